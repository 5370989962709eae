"""Core and the event spine name no other app's model: everything they need of the domain reaches them
through registries (`apps.core.access`, `apps.core.trash`, `apps.events.registry`) that the domain
apps fill in their `AppConfig.ready()`. Import-level layering is checked by import-linter in CI
(`pyproject.toml`, `[tool.importlinter]`); this also catches what an import check cannot see:
`apps.get_model("app.Model")` calls and model-label strings."""

import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
GUARDED = ("core", "events")


def _sources(app: str):
    for path in sorted((ROOT / "apps" / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _foreign_labels(app: str) -> list[str]:
    return [model._meta.label for model in apps.get_models() if model._meta.app_label != app]


def offences_in(text: str, labels: list[str]) -> list[str]:
    """Lines that call `get_model` or quote another app's model label."""
    quoted = re.compile("|".join(rf"[\"']{re.escape(label)}[\"']" for label in labels))
    return [line.strip() for line in text.splitlines() if "get_model(" in line or quoted.search(line)]


def test_the_check_sees_what_it_looks_for():
    old_tenancy = 'member = apps.get_model("workspaces.WorkspaceMember")\nfk = models.ForeignKey("projects.Project")'
    assert len(offences_in(old_tenancy, _foreign_labels("core"))) == 2


@pytest.mark.parametrize("app", GUARDED)
def test_core_and_events_name_no_other_apps_model(app):
    labels = _foreign_labels(app)
    offences = [
        f"{path.relative_to(ROOT)}: {line}" for path in _sources(app) for line in offences_in(path.read_text(), labels)
    ]
    assert offences == []


@pytest.mark.parametrize("app", GUARDED)
def test_core_and_events_import_no_domain_app(app):
    domain = {config.name for config in apps.get_app_configs() if config.name.startswith("apps.")} - {f"apps.{app}"}
    if app == "events":
        domain.discard("apps.core")
    offences = []
    for path in _sources(app):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.match(r"\s*(?:from|import) (apps\.\w+)", line)
            if match and match.group(1) in domain:
                offences.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offences == []
