// The published shape: CommonJS and ES module entries, and the spec's example run as written against
// a local stand-in server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as esm from '@pronaflow/sdk';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));

test('require() gives the PronaFlow class, with every named export on it', () => {
  const PronaFlow = require('@pronaflow/sdk');
  assert.equal(typeof PronaFlow, 'function');
  const { PronaFlow: Named, PronaFlowError, verify, WebhookVerificationError, DEFAULT_BASE_URL } = PronaFlow;
  assert.equal(Named, PronaFlow);
  assert.equal(typeof PronaFlowError, 'function');
  assert.equal(typeof verify, 'function');
  assert.equal(typeof WebhookVerificationError, 'function');
  assert.equal(DEFAULT_BASE_URL, 'https://api.pronaflow.com');
  const client = new PronaFlow({ apiToken: 'prona_x' });
  for (const name of ['workspaces', 'projects', 'tasks', 'comments', 'notifications', 'events', 'trash', 'auditLogs', 'compliance', 'preferences', 'analytics', 'reports', 'scheduling', 'tokens', 'webhooks', 'oauth', 'plugins', 'consents']) {
    assert.equal(typeof client[name], 'object', name);
  }
});

test('import gives named exports and a default export', () => {
  assert.equal(typeof esm.PronaFlow, 'function');
  assert.equal(esm.default, esm.PronaFlow);
  assert.equal(typeof esm.verify, 'function');
  assert.equal(new esm.PronaFlow().http.baseUrl, 'https://api.pronaflow.com');
});

test('only the entry point and package.json are exported', () => {
  assert.throws(() => require('@pronaflow/sdk/dist/cjs/http.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  assert.equal(require('@pronaflow/sdk/package.json').name, '@pronaflow/sdk');
});

test("the spec's JavaScript example runs as written", async () => {
  const seen = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, key: req.headers['idempotency-key'], body: raw ? JSON.parse(raw) : null });
      const send = (status, body) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-ID': 'stand-in' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/api/v1/tasks') send(201, { success: true, data: { id: 't1', ...JSON.parse(raw) } });
      else if (req.method === 'GET' && req.url === '/api/v1/projects') send(200, { success: true, data: [{ id: 'p1' }], pagination: { page: 1, page_size: 20, total: 1, total_pages: 1 } });
      else if (req.method === 'POST' && req.url === '/api/v1/integration/webhooks') send(201, { success: true, data: { id: 'w1', url: JSON.parse(raw).url } });
      else send(404, { success: false, error: { code: 'NOT_FOUND', message: 'no', details: null } });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const env = {
      ...process.env,
      PRONAFLOW_BASE_URL: `http://127.0.0.1:${server.address().port}`,
      PRONAFLOW_API_TOKEN: 'prona_standin',
      PRONAFLOW_PROJECT_ID: 'p1',
    };
    const child = spawn(process.execPath, ['examples/spec-example.js'], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, output);
    assert.deepEqual(seen.map((r) => `${r.method} ${r.url}`), ['POST /api/v1/tasks', 'GET /api/v1/projects', 'POST /api/v1/integration/webhooks']);
    assert.ok(seen.every((r) => r.auth === 'Bearer prona_standin'));
    assert.deepEqual(seen[0].body, { title: 'Design UI', priority: 'high', project_id: 'p1' });
    assert.deepEqual(seen[2].body, { url: 'https://your-app.com/webhook', events: ['task.created', 'task.completed'] });
    assert.ok(seen[0].key && seen[2].key && seen[0].key !== seen[2].key);
    assert.match(output, /task t1 "Design UI" \(high\)/);
  } finally {
    server.close();
  }
});

// The "Node.js/JavaScript" block of pronaflow-api-v1.2.md, "SDK Examples".
const SPEC_EXAMPLE = `const PronaFlow = require('@pronaflow/sdk');

const client = new PronaFlow({
  apiToken: 'prona_abc123def456...',
  baseUrl: 'https://api.pronaflow.com'
});

// Create task
const task = await client.tasks.create({
  title: 'Design UI',
  priority: 'high',
  project_id: 'project_uuid'
});

// List projects
const projects = await client.projects.list();

// Subscribe to webhook
const webhook = await client.webhooks.create({
  url: 'https://your-app.com/webhook',
  events: ['task.created', 'task.completed']
});`;

test('examples/spec-example.js is the spec example, with only the placeholders read from the environment', () => {
  const source = readFileSync(new URL('../../examples/spec-example.js', import.meta.url), 'utf8');
  const block = source.split('// ---- spec example ----\n')[1].split('\n// ---- end of spec example ----')[0];
  const placeholders = block
    .replace('process.env.PRONAFLOW_API_TOKEN', "'prona_abc123def456...'")
    .replace('process.env.PRONAFLOW_BASE_URL', "'https://api.pronaflow.com'")
    .replace('process.env.PRONAFLOW_PROJECT_ID', "'project_uuid'");
  assert.equal(placeholders, SPEC_EXAMPLE);
});
