"""gunicorn hooks for PronaFlow (gunicorn reads ./gunicorn.conf.py by default; `-c gunicorn.conf.py` too).

Workers, threads and the bind address stay on the command line. What this adds: once a worker has
loaded Django (settings, apps, models, URLconf, serializers, the OpenAPI-independent parts of DRF),
everything allocated so far is moved out of the garbage collector's reach with `gc.freeze()`. Those
hundreds of thousands of long-lived objects are never garbage, yet every full collection used to walk
them: the 100+ ms pauses that set the list's p99 (see bench/README.md).
"""

import gc


def post_worker_init(worker):
    """After the worker imported the app: build the URL resolver, then freeze the start-up heap."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module now, not on a request
    gc.collect()
    gc.freeze()
    worker.log.debug("gc: froze %d start-up objects", gc.get_freeze_count())
