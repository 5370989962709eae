"""/openapi.json: generated once per process, gzip-compressed on request, tags in module order."""

import gzip
import json

import pytest

from apps.core.api.schema import TAG_ORDER
from apps.core.views import SchemaView

pytestmark = pytest.mark.django_db


def test_the_schema_is_generated_once_and_sent_gzipped(api_client, monkeypatch):
    SchemaView._schema = None
    calls = []
    real = SchemaView.generator_class.get_schema

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaView.generator_class, "get_schema", counting)
    first = api_client.get("/openapi.json", HTTP_ACCEPT_ENCODING="gzip")
    second = api_client.get("/openapi.json", HTTP_ACCEPT_ENCODING="gzip")

    assert first.status_code == second.status_code == 200
    assert first["Content-Encoding"] == "gzip"
    assert len(calls) == 1
    schema = json.loads(gzip.decompress(second.content))
    assert schema["openapi"].startswith("3.")
    assert len(first.content) < 300_000  # about 1 MB uncompressed


def test_tags_have_one_naming_style_in_module_order(api_client):
    schema = json.loads(api_client.get("/openapi.json").content)
    names = [tag["name"] for tag in schema["tags"]]
    documented = [name for _, name, _ in TAG_ORDER]
    assert names == [name for name in documented if name in names]
    used = {tag for operations in schema["paths"].values() for op in operations.values() for tag in op.get("tags", [])}
    assert used == set(names)
    assert all(name[0].isupper() for name in names)
