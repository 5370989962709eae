"""SQL functions that let PostgreSQL render the compliance export itself (`COPY ... TO STDOUT`).

They reproduce, value for value, what the Python export did (`apps.core.csvsafe.neutralise`,
`str()` of a JSON value, `json.dumps`): tests/archive/test_export_copy.py compares both outputs.
`uuid-ossp` provides `uuid_generate_v5`, the audit entries' public ids (`audit_public_id`).
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

-- apps.core.csvsafe.neutralise: a leading apostrophe before every first character a spreadsheet
-- could evaluate (the ASCII and whitespace triggers and every character whose NFKC form is one).
-- One reference to `value`, so that PostgreSQL inlines the function around any expression.
CREATE OR REPLACE FUNCTION pronaflow_csv_safe(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(value, E'^(?=[\t\n\r+\\-=@\u207A\u207C\u208A\u208C\uFB29\uFE62\uFE63\uFE66\uFE6B\uFF0B\uFF0D\uFF1D\uFF20])', '''')
$$;

-- repr(float(value)) for a JSON number with a decimal point (what json.loads + json.dumps give).
CREATE OR REPLACE FUNCTION pronaflow_py_float(value numeric) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET extra_float_digits = 1 AS $$
DECLARE
    shortest text;
    digits text;
BEGIN
    BEGIN
        shortest := value::float8::text;
    EXCEPTION WHEN numeric_value_out_of_range THEN
        IF abs(value) > 1 THEN
            RETURN CASE WHEN value > 0 THEN 'Infinity' ELSE '-Infinity' END;
        END IF;
        RETURN CASE WHEN value < 0 THEN '-0.0' ELSE '0.0' END;
    END;
    IF shortest ~ 'e\+15$' THEN
        -- PostgreSQL switches to exponents at 1e15, Python at 1e16.
        digits := replace(replace(split_part(shortest, 'e', 1), '-', ''), '.', '');
        RETURN CASE WHEN value < 0 THEN '-' ELSE '' END
            || CASE WHEN length(digits) <= 16 THEN rpad(digits, 16, '0') || '.0'
                    ELSE left(digits, 16) || '.' || substr(digits, 17) END;
    END IF;
    IF shortest !~ '[.eIN]' THEN
        RETURN shortest || '.0';
    END IF;
    RETURN shortest;
END;
$$;

-- json.dumps(value, ensure_ascii=False[, sort_keys=True]) of a value read with json.loads.
CREATE OR REPLACE FUNCTION pronaflow_py_json(value jsonb, sort_keys boolean) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(value)
    WHEN 'object' THEN
        RETURN '{' || coalesce((
            SELECT string_agg(to_json(k)::text || ': ' || pronaflow_py_json(v, sort_keys), ', '
                              ORDER BY CASE WHEN sort_keys THEN k END COLLATE "C", n)
            FROM jsonb_each(value) WITH ORDINALITY AS e(k, v, n)), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((
            SELECT string_agg(pronaflow_py_json(v, sort_keys), ', ' ORDER BY n)
            FROM jsonb_array_elements(value) WITH ORDINALITY AS e(v, n)), '') || ']';
    WHEN 'number' THEN
        RETURN CASE WHEN strpos(value::text, '.') > 0 THEN pronaflow_py_float(value::numeric) ELSE value::text END;
    ELSE
        RETURN value::text;
    END CASE;
END;
$$;

-- The same, inlined for the common scalars (strings, null, booleans).
CREATE OR REPLACE FUNCTION pronaflow_py_jsonv(value jsonb, sort_keys boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(value) IN ('string', 'null', 'boolean') THEN value::text
                ELSE pronaflow_py_json(value, sort_keys) END
$$;

-- str(value) as the CSV export writes a JSON value: text as is, None empty, True/False, numbers,
-- and dicts/lists as json.dumps(sort_keys=True, ensure_ascii=False).
CREATE OR REPLACE FUNCTION pronaflow_py_text(value jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(value)
        WHEN 'string' THEN value #>> '{}'
        WHEN 'null' THEN NULL
        WHEN 'boolean' THEN CASE WHEN value = 'true'::jsonb THEN 'True' ELSE 'False' END
        ELSE pronaflow_py_json(value, true) END
$$;

-- bool(value) in Python for a JSON value.
CREATE OR REPLACE FUNCTION pronaflow_py_truthy(value jsonb) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(value)
        WHEN 'string' THEN value <> '""'::jsonb
        WHEN 'number' THEN value::numeric <> 0
        WHEN 'boolean' THEN value = 'true'::jsonb
        WHEN 'array' THEN value <> '[]'::jsonb
        WHEN 'object' THEN value <> '{}'::jsonb
        ELSE false END
$$;

CREATE OR REPLACE FUNCTION pronaflow_audit_old_new(old jsonb, new jsonb, sort_keys boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN sort_keys
        THEN '{"new": ' || pronaflow_py_jsonv(new, true) || ', "old": ' || pronaflow_py_jsonv(old, true) || '}'
        ELSE '{"old": ' || pronaflow_py_jsonv(old, false) || ', "new": ' || pronaflow_py_jsonv(new, false) || '}' END
$$;

-- One change of apps.archive.selectors._changes as json.dumps writes it: {"new": .., "old": ..}
-- (sorted keys, for the CSV) or {"old": .., "new": ..} (the JSON export, in the dict's order).
CREATE OR REPLACE FUNCTION pronaflow_audit_change(value jsonb, sort_keys boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN jsonb_typeof(value) = 'array' AND jsonb_array_length(value) = 2 THEN
            pronaflow_audit_old_new(value -> 0, value -> 1, sort_keys)
        WHEN jsonb_typeof(value) = 'object' AND value -> 'type' = '"m2m"'::jsonb THEN
            CASE WHEN value -> 'operation' = '"delete"'::jsonb
                 THEN pronaflow_audit_old_new(COALESCE(value -> 'objects', '[]'::jsonb), 'null'::jsonb, sort_keys)
                 ELSE pronaflow_audit_old_new('null'::jsonb, COALESCE(value -> 'objects', '[]'::jsonb), sort_keys) END
        ELSE pronaflow_audit_old_new('null'::jsonb, value, sort_keys) END
$$;

-- Whether every change is [old, new] of strings or nulls (what django-auditlog writes): those
-- are written straight from the stored JSON text, skipping the general case per value.
CREATE OR REPLACE FUNCTION pronaflow_audit_changes_plain(changes jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NOT jsonb_path_exists(changes,
        'lax $.* ? (@.type() != "array" || @.size() != 2 || exists(@[*] ? (@.type() != "string" && @.type() != "null")))')
$$;

-- apps.archive.selectors._changes(raw) as the CSV writes it: json.dumps(sort_keys=True) of
-- field -> {"new": .., "old": ..}, fields in code point order. `plain` when every change is a
-- pair of strings or nulls: written straight from the stored JSON text.
CREATE OR REPLACE FUNCTION pronaflow_audit_changes_csv_plain(changes jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{' || COALESCE(string_agg(concat(to_json(c.k)::text, ': {"new": ', c.v -> 1, ', "old": ', c.v -> 0, '}'),
                                      ', ' ORDER BY c.k COLLATE "C"), '') || '}'
    FROM jsonb_each(changes) AS c(k, v)
$$;

CREATE OR REPLACE FUNCTION pronaflow_audit_changes_csv_any(changes jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{' || COALESCE(string_agg(to_json(c.k)::text || ': ' || pronaflow_audit_change(c.v, true),
                                      ', ' ORDER BY c.k COLLATE "C"), '') || '}'
    FROM jsonb_each(CASE WHEN jsonb_typeof(changes) = 'object' THEN changes END) AS c(k, v)
$$;

CREATE OR REPLACE FUNCTION pronaflow_audit_changes_csv(changes jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(changes) = 'object' AND pronaflow_audit_changes_plain(changes)
                THEN pronaflow_audit_changes_csv_plain(changes)
                ELSE pronaflow_audit_changes_csv_any(changes) END
$$;

-- The same for the JSON export: {"old": .., "new": ..}, fields in the stored order (json.loads').
CREATE OR REPLACE FUNCTION pronaflow_audit_changes_json(changes jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{' || COALESCE(string_agg(to_json(c.k)::text || ': ' || pronaflow_audit_change(c.v, false),
                                      ', ' ORDER BY c.n), '') || '}'
    FROM jsonb_each(CASE WHEN jsonb_typeof(changes) = 'object' THEN changes END) WITH ORDINALITY AS c(k, v, n)
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS pronaflow_audit_changes_json(jsonb);
DROP FUNCTION IF EXISTS pronaflow_audit_changes_csv(jsonb);
DROP FUNCTION IF EXISTS pronaflow_audit_changes_csv_any(jsonb);
DROP FUNCTION IF EXISTS pronaflow_audit_changes_csv_plain(jsonb);
DROP FUNCTION IF EXISTS pronaflow_audit_changes_plain(jsonb);
DROP FUNCTION IF EXISTS pronaflow_audit_change(jsonb, boolean);
DROP FUNCTION IF EXISTS pronaflow_audit_old_new(jsonb, jsonb, boolean);
DROP FUNCTION IF EXISTS pronaflow_py_truthy(jsonb);
DROP FUNCTION IF EXISTS pronaflow_py_text(jsonb);
DROP FUNCTION IF EXISTS pronaflow_py_jsonv(jsonb, boolean);
DROP FUNCTION IF EXISTS pronaflow_py_json(jsonb, boolean);
DROP FUNCTION IF EXISTS pronaflow_py_float(numeric);
DROP FUNCTION IF EXISTS pronaflow_csv_safe(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0005_verification_progress_and_relay"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
