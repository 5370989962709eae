"""Bench-only settings: PronaFlow's settings with the floor views mounted beside the real routes.

Used by bench/lists/run.py for the gunicorn it starts (DJANGO_SETTINGS_MODULE=bench.lists.settings);
never by the product.
"""

from pronaflow.settings import *  # noqa: F403

ROOT_URLCONF = "bench.lists.urls"
