"""Demo-data registry: each app contributes a `demo.py` with `seed(ctx)`; `seed_demo` runs them in
INSTALLED_APPS order, sharing one context dict (users, workspace, ...) so later modules build on
what earlier ones created. Seeders must be idempotent (get_or_create, update_or_create)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def seeders():
    for config in apps.get_app_configs():
        if config.name.startswith("apps.") and find_spec(f"{config.name}.demo") and config.name != "apps.core":
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "seed"):
                yield config.label, module.seed
