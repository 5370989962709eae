"""Filters of module 3's lists (bad values answer 400 through the strict filter backend)."""

import django_filters
from django.db.models import Q

from apps.projects.choices import ProjectRole, ProjectStatus, ProjectVisibility
from apps.projects.models import Project, ProjectMember


class ProjectFilterSet(django_filters.FilterSet):
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices)
    visibility = django_filters.ChoiceFilter(choices=ProjectVisibility.choices)
    search = django_filters.CharFilter(method="filter_search", help_text="Name or description contains.")

    class Meta:
        model = Project
        fields = ["workspace_id", "status", "visibility", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))


class ProjectMemberFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=ProjectRole.choices)
    search = django_filters.CharFilter(method="filter_search", help_text="E-mail, username or name contains.")

    class Meta:
        model = ProjectMember
        fields = ["role", "search"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(user__email__icontains=value) | Q(user__username__icontains=value) | Q(user__full_name__icontains=value)
        )
