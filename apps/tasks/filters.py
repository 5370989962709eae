"""Query filters of module 4 (django-filter). Invalid values answer 400 through StrictFilterBackend."""

from __future__ import annotations

import django_filters
from django.db import connection
from django.db.models import Q

from apps.core.api.filters import SortFilter
from apps.tasks.choices import TaskPriority, TaskStatus
from apps.tasks.models import Task, TaskAssignee, TaskList


class TaskListFilterSet(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")

    class Meta:
        model = TaskList
        fields = ["project_id", "workspace_id"]


class TaskFilterSet(django_filters.FilterSet):
    project_id = django_filters.UUIDFilter(field_name="project_id")
    workspace_id = django_filters.UUIDFilter(field_name="workspace_id")
    task_list_id = django_filters.UUIDFilter(field_name="task_list_id")
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    priority = django_filters.MultipleChoiceFilter(choices=TaskPriority.choices)
    assignee_id = django_filters.UUIDFilter(method="filter_assignee")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    search = django_filters.CharFilter(method="filter_search", max_length=200)
    tag = django_filters.CharFilter(method="filter_tag", max_length=50)

    class Meta:
        model = Task
        fields = [
            "project_id",
            "workspace_id",
            "task_list_id",
            "status",
            "priority",
            "assignee_id",
            "due_before",
            "due_after",
            "search",
            "tag",
        ]

    def filter_assignee(self, queryset, name, value):
        # A subquery, not a join: a task is listed once whatever its number of assignees.
        return queryset.filter(pk__in=TaskAssignee.objects.filter(user_id=value).values("task_id"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_tag(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(tags__contains=[value])
        # SQLite has no JSON containment: match the quoted element in the stored JSON text.
        return queryset.filter(tags__icontains=f'"{value}"')


class TaskSortFilter(SortFilter):
    """`?sort=priority` orders by the priority's meaning (low < medium < high < critical)."""

    aliases = {"priority": "priority_rank"}

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        mapped = []
        for term in ordering:
            name = term.lstrip("-")
            prefix = term[: len(term) - len(name)]
            mapped.append(prefix + self.aliases.get(name, name))
        return [*mapped, "pk"]
