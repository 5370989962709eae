"""Editing a project in the admin goes through the project service: a refusal is a form error with
nothing saved, never an error beside "changed successfully"; an allowed edit is saved and audited."""

import re

import pytest
from django.urls import reverse

from apps.events.models import DomainEvent
from apps.projects.models import Project
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def change(client, project, **fields):
    url = reverse("admin:projects_project_change", args=[project.pk])
    body = {"name": project.name, "description": project.description, "visibility": project.visibility,
            "start_date": "", "end_date": "", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
            **fields}  # fmt: skip
    return client.post(url, body, follow=True)


def test_a_refused_edit_is_a_form_error_and_nothing_changes(client, project):
    staff = UserFactory(is_staff=True, is_superuser=True)  # staff, but not a manager of the project
    client.force_login(staff)

    response = change(client, project, name="Renamed by staff")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Only project managers" in page
    assert "was changed successfully" not in page
    project.refresh_from_db()
    assert project.name != "Renamed by staff"
    assert not DomainEvent.objects.filter(event_type="project.updated").exists()


def test_an_allowed_edit_is_saved_once_with_its_event(client, team, project):
    team.owner.is_staff = team.owner.is_superuser = True
    team.owner.save()
    client.force_login(team.owner)

    response = change(client, project, name="Renamed by the owner")

    page = response.content.decode()
    assert "was changed successfully" in page, re.findall(r"errorlist[^>]*>(.*?)</ul>", page, re.S)
    assert Project.objects.get(pk=project.pk).name == "Renamed by the owner"
    assert DomainEvent.objects.filter(event_type="project.updated").count() == 1
