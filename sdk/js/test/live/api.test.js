// Live tests against a running PronaFlow server. They run when PRONAFLOW_BASE_URL and
// PRONAFLOW_API_TOKEN are set (a token with every scope, of a user who administers a workspace:
// .ci/sdk-js creates one for the demo owner); PRONAFLOW_LOGIN_EMAIL / PRONAFLOW_LOGIN_PASSWORD
// enable the JWT login test. Everything they create is deleted again.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { PronaFlow, PronaFlowError } from '@pronaflow/sdk';
import { generateTypes, SCHEMA_TS } from '../../scripts/generate.mjs';
import { uncovered } from '../operations.js';
import { webhookCreateTakesEvents } from './features.js';

const BASE = process.env.PRONAFLOW_BASE_URL;
const TOKEN = process.env.PRONAFLOW_API_TOKEN;
const skip = BASE && TOKEN ? false : 'set PRONAFLOW_BASE_URL and PRONAFLOW_API_TOKEN to run the live tests';

describe('live server', { skip }, () => {
  let client;
  let served; // the served OpenAPI document
  let workspaceId;
  let project;
  const cleanup = [];

  before(async () => {
    client = new PronaFlow({ apiToken: TOKEN, baseUrl: BASE });
    const response = await fetch(new URL('/openapi.json', BASE));
    assert.equal(response.status, 200, 'GET /openapi.json');
    served = await response.json();
    const { data: workspaces } = await client.workspaces.list();
    const mine = workspaces.find((w) => w.role === 'owner' || w.role === 'admin') ?? workspaces[0];
    assert.ok(mine, 'the token owner belongs to a workspace');
    workspaceId = mine.id;
    project = await client.projects.create({ workspace_id: workspaceId, name: `SDK live test ${Date.now()}` });
    cleanup.push(() => client.projects.delete(project.id));
  });

  after(async () => {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
  });

  test('the committed types match the served schema (else: npm run generate)', async () => {
    const fresh = await generateTypes(served);
    const committed = await readFile(SCHEMA_TS, 'utf8');
    assert.ok(fresh === committed, 'src/schema.ts is out of date with the server: regenerate it with `npm run generate -- <schema.json>`');
  });

  test('every operation the server serves has an SDK method', () => {
    assert.deepEqual(uncovered(served), []);
  });

  test('create, read, update and delete a task; list() and iter() page through tasks', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(await client.tasks.create({ title: `Task ${i}`, priority: 'high', project_id: project.id }));
    }
    assert.equal(created[0].title, 'Task 0');
    assert.equal(created[0].priority, 'high');
    const fetched = await client.tasks.get(created[0].id);
    assert.equal(fetched.id, created[0].id);
    const updated = await client.tasks.update(created[0].id, { title: 'Task 0 (renamed)' });
    assert.equal(updated.title, 'Task 0 (renamed)');

    const first = await client.tasks.list({ project_id: project.id, page_size: 2 });
    assert.equal(first.data.length, 2);
    assert.deepEqual(first.pagination, { page: 1, page_size: 2, total: 5, total_pages: 3 });
    const all = [];
    for await (const task of client.tasks.iter({ project_id: project.id, page_size: 2 })) all.push(task.id);
    assert.equal(all.length, 5);
    assert.deepEqual(new Set(all), new Set(created.map((t) => t.id)));

    const comment = await client.comments.create(created[1].id, { content: 'Looks good' });
    assert.equal((await client.comments.list(created[1].id)).data[0].id, comment.id);

    assert.equal(await client.tasks.delete(created[0].id), undefined);
    const gone = await client.tasks.get(created[0].id).catch((e) => e);
    assert.ok(gone instanceof PronaFlowError);
    assert.equal(gone.status, 404);
  });

  test('errors carry status, code, message, details and the request id', async () => {
    const missing = await client.projects.get('00000000-0000-4000-8000-000000000000').catch((e) => e);
    assert.ok(missing instanceof PronaFlowError);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'NOT_FOUND');
    assert.ok(missing.message);
    assert.match(missing.requestId ?? '', /\S/, 'X-Request-ID');

    const invalid = await client.tasks.create({ project_id: project.id }).catch((e) => e);
    assert.equal(invalid.status, 422);
    assert.equal(invalid.code, 'VALIDATION_ERROR');
    assert.ok(invalid.details && typeof invalid.details === 'object' && 'title' in invalid.details, JSON.stringify(invalid.details));

    const anonymous = await new PronaFlow({ baseUrl: BASE }).projects.list().catch((e) => e);
    assert.equal(anonymous.code, 'UNAUTHORIZED');
  });

  test('the rate-limit headers are read', async () => {
    await client.preferences.get();
    assert.ok(client.rateLimit);
    assert.equal(typeof client.rateLimit.limit, 'number');
    assert.ok(['free', 'pro', 'enterprise'].includes(client.rateLimit.tier), client.rateLimit.tier);
  });

  test('domain events page with limit/offset', async () => {
    const first = await client.events.list({ limit: 2 });
    assert.ok(first.pagination.total >= first.data.length);
    let count = 0;
    for await (const event of client.events.iter({ limit: 50, project_id: project.id })) {
      assert.equal(typeof event.event_type, 'string');
      count += 1;
    }
    const { pagination } = await client.events.list({ limit: 1, project_id: project.id });
    assert.equal(count, pagination.total);
    assert.ok(count >= 5, `the project's task events (${count})`);
  });

  test('webhooks: create with the server fields, list deliveries, delete', async () => {
    const webhook = await client.webhooks.create({
      workspace_id: workspaceId,
      name: 'SDK live test',
      url: 'https://example.com/pronaflow-sdk-test',
      subscribed_events: { 'task.created': true },
    });
    cleanup.push(() => client.webhooks.delete(webhook.id));
    assert.match(webhook.secret ?? '', /^whsec_/);
    const deliveries = await client.webhooks.listDeliveries(webhook.id, { limit: 10 });
    assert.ok(Array.isArray(deliveries.data));
    assert.equal(typeof deliveries.pagination.total, 'number');
    assert.ok((await client.webhooks.list()).data.some((w) => w.id === webhook.id));
  });

  test("webhooks: the spec example's create({ url, events })", async (t) => {
    const serverTakesEvents = webhookCreateTakesEvents(served);
    try {
      const webhook = await client.webhooks.create({
        url: 'https://your-app.com/webhook',
        events: ['task.created', 'task.completed'],
      });
      cleanup.push(() => client.webhooks.delete(webhook.id));
      assert.equal(webhook.url, 'https://your-app.com/webhook');
    } catch (err) {
      // Tolerated only while the server does not know `events` yet.
      if (serverTakesEvents || !(err instanceof PronaFlowError) || err.status !== 422) throw err;
      t.diagnostic(`server without \`events\` on POST /integration/webhooks: 422 ${JSON.stringify(err.details)}`);
    }
  });

  test('reports and exports download as files', async () => {
    const { data: reports } = await client.reports.list();
    if (reports.length > 0) {
      const file = await client.reports.export(reports[0].id, { format: 'csv' });
      assert.match(file.contentType, /text\/csv/);
      assert.ok(file.data.length > 0);
    }
    const today = new Date().toISOString().slice(0, 10);
    const json = await client.compliance.export({ start_date: today, end_date: today, workspace_id: workspaceId }).catch((e) => e);
    // A token without a compliance role may be refused; the SDK still has to surface it properly.
    if (json instanceof PronaFlowError) assert.ok([403, 404].includes(json.status), String(json));
  });

  test('scheduling answers for a project (once the server has module 5)', async (t) => {
    if (!served.paths['/api/v1/scheduling/projects/{project_id}/gantt']) {
      t.skip('the server does not serve /scheduling yet');
      return;
    }
    const gantt = await client.scheduling.gantt(project.id);
    assert.ok(gantt);
    const path = await client.scheduling.criticalPath(project.id);
    assert.ok(path);
    const plan = await client.scheduling.getPlan(project.id);
    assert.ok(plan);
    const submitted = await client.scheduling.submitPlan(project.id);
    assert.equal(submitted.state, 'submitted');

    const due = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
    const milestone = await client.scheduling.createMilestone({ project_id: project.id, name: 'Beta', due_date: due });
    assert.equal((await client.scheduling.getMilestone(milestone.id)).name, 'Beta');
    const listed = [];
    for await (const m of client.scheduling.iterMilestones({ project_id: project.id })) listed.push(m.id);
    assert.deepEqual(listed, [milestone.id]);
    assert.equal((await client.scheduling.updateMilestone(milestone.id, { name: 'Beta 2' })).name, 'Beta 2');
    await client.scheduling.deleteMilestone(milestone.id);

    const baseline = await client.scheduling.createBaseline(project.id, { name: 'Kick-off' });
    assert.ok(baseline.id);
    assert.ok(await client.scheduling.baselines(project.id));
  });

  test('PronaFlow.login() signs in with e-mail and password', async (t) => {
    const email = process.env.PRONAFLOW_LOGIN_EMAIL;
    const password = process.env.PRONAFLOW_LOGIN_PASSWORD;
    if (!email || !password) {
      t.skip('set PRONAFLOW_LOGIN_EMAIL and PRONAFLOW_LOGIN_PASSWORD');
      return;
    }
    const session = await PronaFlow.login({ email, password, baseUrl: BASE });
    const me = await session.auth.me();
    assert.equal(me.email, email);
    assert.equal(session.rateLimit?.tier, 'default');
    const bad = await PronaFlow.login({ email, password: 'not the password', baseUrl: BASE }).catch((e) => e);
    assert.equal(bad.status, 401);
    assert.equal(bad.code, 'UNAUTHORIZED');
    await session.auth.logout();
  });
});
