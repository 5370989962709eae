# syntax=docker/dockerfile:1
# PronaFlow: API server image (also runs the Celery worker and beat with another command).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint's libraries (Pango, HarfBuzz) and fonts for PDF exports (Noto: CJK, Arabic and other
# scripts, colour emoji); curl for health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fontconfig fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji curl \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system pronaflow && useradd --system --gid pronaflow --home /app pronaflow
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=pronaflow.settings MEDIA_ROOT=/app/var/media
WORKDIR /app
COPY --chown=pronaflow:pronaflow . /app
# collectstatic needs settings but no secrets or services.
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
 && mkdir -p /app/var/media && chown -R pronaflow:pronaflow /app/var /app/staticfiles
USER pronaflow
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/health || exit 1
CMD ["gunicorn", "pronaflow.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", \
     "--worker-class", "gthread", "--timeout", "60", "--access-logfile", "-"]
