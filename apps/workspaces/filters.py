"""Filters of module 2's lists (bad values answer 400 through the strict filter backend)."""

import django_filters
from django.db.models import Q

from apps.workspaces.choices import InvitationStatus, WorkspaceRole, WorkspaceType
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember


class WorkspaceFilterSet(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=WorkspaceType.choices)
    role = django_filters.ChoiceFilter(choices=WorkspaceRole.choices, help_text="The caller's role.")
    search = django_filters.CharFilter(method="filter_search", help_text="Name or description contains.")

    class Meta:
        model = Workspace
        fields = ["type", "role", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class WorkspaceMemberFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=WorkspaceRole.choices)
    search = django_filters.CharFilter(method="filter_search", help_text="E-mail, username or name contains.")

    class Meta:
        model = WorkspaceMember
        fields = ["role", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value) | Q(user__username__icontains=value) | Q(user__full_name__icontains=value)
        )


class InvitationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        field_name="effective_status", choices=InvitationStatus.choices, help_text="Expired ones included."
    )
    role = django_filters.ChoiceFilter(choices=WorkspaceRole.choices)
    email = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Invitation
        fields = ["status", "role", "email"]
