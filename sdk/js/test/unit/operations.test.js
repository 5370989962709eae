// Every operation of the OpenAPI schema must be callable through an SDK method (test/operations.js
// maps each `METHOD path` to its call); and each call must send that method to that path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPERATIONS, schemaOperations, requestedBy, expected, uncovered, shape } from '../operations.js';

test('every operation of the committed schema has an SDK method', (t) => {
  const schema = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(uncovered(schema), [], 'operations of openapi.json without an SDK method');
  const served = new Set(schemaOperations(schema).map(shape));
  const pending = Object.keys(OPERATIONS).filter((op) => !served.has(shape(op)));
  if (pending.length) t.diagnostic(`SDK methods for operations the schema does not have yet: ${pending.join(', ')}`);
});

test('each SDK method sends its method to its path', async () => {
  for (const [op, call] of Object.entries(OPERATIONS)) {
    assert.equal(await requestedBy(call), expected(op), op);
  }
});
