// The committed types (src/schema.ts) are what openapi-typescript makes of the committed schema
// (openapi.json). The live suite compares them with the served /openapi.json as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generateTypes, SCHEMA_JSON, SCHEMA_TS } from '../../scripts/generate.mjs';

test('src/schema.ts is generated from openapi.json (run npm run generate)', async () => {
  const schema = JSON.parse(await readFile(SCHEMA_JSON, 'utf8'));
  const fresh = await generateTypes(schema);
  assert.ok(fresh === (await readFile(SCHEMA_TS, 'utf8')), 'src/schema.ts differs from a fresh generation: run `npm run generate`');
});
