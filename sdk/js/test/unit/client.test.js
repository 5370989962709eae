import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PronaFlow, PronaFlowError, parseRetryAfter } from '@pronaflow/sdk';
import { stubFetch, json, text, ok, page, networkError, UUID } from '../helpers.js';

const BASE = 'https://api.example.test';
const client = (fetch, extra = {}) =>
  new PronaFlow({ apiToken: 'prona_test', baseUrl: `${BASE}/`, fetch, retryBaseDelay: 1, ...extra });

test('a call sends the bearer token and JSON, and resolves to the envelope data', async () => {
  const fetch = stubFetch([json(201, { success: true, data: { id: UUID, title: 'Design UI' }, message: 'Created' })]);
  const task = await client(fetch).tasks.create({ title: 'Design UI', priority: 'high', project_id: UUID });
  assert.deepEqual(task, { id: UUID, title: 'Design UI' });
  const [call] = fetch.calls;
  assert.equal(call.method, 'POST');
  assert.equal(call.url.href, `${BASE}/api/v1/tasks`);
  assert.equal(call.headers.get('authorization'), 'Bearer prona_test');
  assert.equal(call.headers.get('content-type'), 'application/json');
  assert.equal(call.headers.get('accept'), 'application/json');
  assert.deepEqual(call.body, { title: 'Design UI', priority: 'high', project_id: UUID });
});

test('query parameters: arrays repeat, null and undefined are left out, dates are ISO', async () => {
  const fetch = stubFetch([page([], 1, 1)]);
  await client(fetch).tasks.list({ status: ['todo', 'blocked'], project_id: undefined, search: null, due_after: '2026-01-01', page_size: 50 });
  const q = fetch.calls[0].url.searchParams;
  assert.deepEqual(q.getAll('status'), ['todo', 'blocked']);
  assert.equal(q.has('project_id'), false);
  assert.equal(q.has('search'), false);
  assert.equal(q.get('page_size'), '50');
  const fetch2 = stubFetch([{ success: true, data: [], total: 0 }].map((b) => json(200, b)));
  await client(fetch2).events.list({ occurred_after: new Date(Date.UTC(2026, 0, 2)) });
  assert.equal(fetch2.calls[0].url.searchParams.get('occurred_after'), '2026-01-02T00:00:00.000Z');
});

test('ids are encoded into the path', async () => {
  const fetch = stubFetch([ok({})]);
  await client(fetch).projects.get('a/b');
  assert.equal(fetch.calls[0].url.pathname, '/api/v1/projects/a%2Fb');
});

test('list() returns the first page with its pagination', async () => {
  const fetch = stubFetch([page([{ id: 1 }, { id: 2 }], 1, 3)]);
  const result = await client(fetch).projects.list();
  assert.deepEqual(result.data, [{ id: 1 }, { id: 2 }]);
  assert.deepEqual(result.pagination, { page: 1, page_size: 2, total: 6, total_pages: 3 });
  assert.equal(fetch.calls.length, 1);
});

test('iter() walks every page with page/page_size', async () => {
  const fetch = stubFetch([page([{ id: 1 }, { id: 2 }], 1, 3), page([{ id: 3 }, { id: 4 }], 2, 3), page([{ id: 5 }], 3, 3, 2)]);
  const ids = [];
  for await (const project of client(fetch).projects.iter({ page_size: 2, workspace_id: UUID })) ids.push(project.id);
  assert.deepEqual(ids, [1, 2, 3, 4, 5]);
  assert.deepEqual(fetch.calls.map((c) => c.url.searchParams.get('page')), ['1', '2', '3']);
  assert.ok(fetch.calls.every((c) => c.url.searchParams.get('page_size') === '2' && c.url.searchParams.get('workspace_id') === UUID));
});

test('iter() stops early when the consumer breaks', async () => {
  const fetch = stubFetch([page([{ id: 1 }, { id: 2 }], 1, 50)]);
  for await (const task of client(fetch).tasks.iter()) {
    assert.equal(task.id, 1);
    break;
  }
  assert.equal(fetch.calls.length, 1);
});

test('events and webhook deliveries page with limit/offset and total', async () => {
  const fetch = stubFetch([
    json(200, { success: true, data: [{ id: 'a' }, { id: 'b' }], total: 5 }),
    json(200, { success: true, data: [{ id: 'c' }, { id: 'd' }], total: 5 }),
    json(200, { success: true, data: [{ id: 'e' }], total: 5 }),
  ]);
  const ids = [];
  for await (const e of client(fetch).events.iter({ limit: 2, event_type: 'task.created' })) ids.push(e.id);
  assert.deepEqual(ids, ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(fetch.calls.map((c) => c.url.searchParams.get('offset')), ['0', '2', '4']);
  assert.ok(fetch.calls.every((c) => c.url.searchParams.get('limit') === '2'));

  const fetch2 = stubFetch([json(200, { success: true, data: [{ id: 'x' }], total: 7 })]);
  const first = await client(fetch2).webhooks.listDeliveries(UUID, { limit: 1, offset: 3 });
  assert.deepEqual(first, { data: [{ id: 'x' }], pagination: { limit: 1, offset: 3, total: 7 } });
  assert.equal(fetch2.calls[0].url.pathname, `/api/v1/integration/webhooks/${UUID}/deliveries`);
});

test('an error envelope becomes a PronaFlowError with status, code, message, details and requestId', async () => {
  const fetch = stubFetch([
    json(
      422,
      { success: false, error: { code: 'VALIDATION_ERROR', message: 'Invalid input.', details: { title: ['This field is required.'] } }, timestamp: 'x' },
      { 'X-Request-ID': 'req-123' },
    ),
  ]);
  const err = await client(fetch).tasks.create({ project_id: UUID }).catch((e) => e);
  assert.ok(err instanceof PronaFlowError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'PronaFlowError');
  assert.equal(err.status, 422);
  assert.equal(err.code, 'VALIDATION_ERROR');
  assert.equal(err.message, 'Invalid input.');
  assert.deepEqual(err.details, { title: ['This field is required.'] });
  assert.equal(err.requestId, 'req-123');
  assert.equal(fetch.calls.length, 1, 'a 422 is not retried');
});

test('404 and 500 are thrown at once, without retries', async () => {
  for (const [status, code] of [[404, 'NOT_FOUND'], [500, 'INTERNAL_ERROR'], [409, 'CONFLICT'], [403, 'FORBIDDEN']]) {
    const fetch = stubFetch([json(status, { success: false, error: { code, message: 'm', details: null } })]);
    const err = await client(fetch).tasks.get(UUID).catch((e) => e);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    assert.equal(fetch.calls.length, 1);
  }
});

test('a non-envelope error body still gives a code from the status', async () => {
  const fetch = stubFetch([text(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' })]);
  const err = await client(fetch, { maxRetries: 0 }).projects.list().catch((e) => e);
  assert.equal(err.status, 502);
  assert.equal(err.code, 'INTERNAL_ERROR');
  assert.match(err.details, /Bad Gateway/);
});

test('429 is retried, honouring Retry-After', async () => {
  const fetch = stubFetch([
    json(429, { success: false, error: { code: 'RATE_LIMITED', message: 'slow down', details: null } }, { 'Retry-After': '1' }),
    ok({ id: UUID }),
  ]);
  const started = Date.now();
  const data = await client(fetch).tasks.get(UUID);
  const elapsed = Date.now() - started;
  assert.deepEqual(data, { id: UUID });
  assert.equal(fetch.calls.length, 2);
  assert.ok(elapsed >= 950, `waited ${elapsed} ms, Retry-After asked for 1000`);
});

test('a Retry-After longer than maxRetryDelay fails at once with retryAfter', async () => {
  const fetch = stubFetch([json(429, { success: false, error: { code: 'RATE_LIMITED', message: 'locked', details: null } }, { 'Retry-After': '900' })]);
  const err = await client(fetch, { maxRetryDelay: 5000 }).tasks.get(UUID).catch((e) => e);
  assert.equal(err.code, 'RATE_LIMITED');
  assert.equal(err.retryAfter, 900);
  assert.equal(fetch.calls.length, 1);
});

test('502, 503 and 504 are retried with backoff, then reported', async () => {
  const fetch = stubFetch([text(502, 'bad'), text(503, 'unavailable'), text(504, 'timeout'), ok([1])]);
  assert.deepEqual(await client(fetch).notifications.unreadCount(), [1]);
  assert.equal(fetch.calls.length, 4);

  const failing = stubFetch(text(503, 'unavailable'));
  const err = await client(failing, { maxRetries: 2 }).notifications.unreadCount().catch((e) => e);
  assert.equal(err.status, 503);
  assert.equal(failing.calls.length, 3, 'first attempt + 2 retries');
});

test('network errors are retried, then thrown as NETWORK_ERROR', async () => {
  const fetch = stubFetch([networkError(), ok({ ok: true })]);
  assert.deepEqual(await client(fetch).preferences.get(), { ok: true });
  assert.equal(fetch.calls.length, 2);

  const down = stubFetch(networkError('ECONNREFUSED'));
  const err = await client(down, { maxRetries: 1 }).preferences.get().catch((e) => e);
  assert.ok(err instanceof PronaFlowError);
  assert.equal(err.status, 0);
  assert.equal(err.code, 'NETWORK_ERROR');
  assert.equal(down.calls.length, 2);
  assert.match(String(err.cause), /ECONNREFUSED/);
});

test('a slow attempt times out, is retried, and ends as TIMEOUT', async () => {
  const hang = (call) =>
    new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason), { once: true }));
  const fetch = stubFetch(hang);
  // AbortSignal.timeout() does not keep Node's event loop alive (a real fetch's socket does).
  const keepAlive = setInterval(() => {}, 1000);
  const err = await client(fetch, { timeout: 30, maxRetries: 1 }).preferences.get().catch((e) => e);
  clearInterval(keepAlive);
  assert.equal(err.code, 'TIMEOUT');
  assert.equal(fetch.calls.length, 2);
});

test("the caller's AbortSignal stops the call and its retries", async () => {
  const controller = new AbortController();
  const fetch = stubFetch(() => {
    controller.abort(new Error('stop'));
    return text(503, 'x')();
  });
  const err = await client(fetch).projects.list({}, { signal: controller.signal }).catch((e) => e);
  assert.equal(err.message, 'stop');
  assert.equal(fetch.calls.length, 1);
});

test('every POST carries an Idempotency-Key, the same one on each retry', async () => {
  const fetch = stubFetch([text(503, 'x'), networkError(), json(201, { success: true, data: { id: UUID } })]);
  await client(fetch).projects.create({ workspace_id: UUID, name: 'P' });
  const keys = fetch.calls.map((c) => c.headers.get('idempotency-key'));
  assert.equal(keys.length, 3);
  assert.match(keys[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(keys.every((k) => k === keys[0]));

  const fetch2 = stubFetch([ok({}), ok({}), ok({}), ok({})]);
  const c = client(fetch2);
  await c.projects.create({ workspace_id: UUID, name: 'P' });
  await c.projects.create({ workspace_id: UUID, name: 'P' });
  await c.projects.get(UUID);
  await c.webhooks.create({ url: 'https://x.test' }, { idempotencyKey: 'mine' });
  const [a, b, get, mine] = fetch2.calls.map((x) => x.headers.get('idempotency-key'));
  assert.notEqual(a, b, 'each call has its own key');
  assert.equal(get, null, 'no key on GET');
  assert.equal(mine, 'mine');
});

test('rate-limit headers of the last response are kept', async () => {
  const fetch = stubFetch([ok({}, {}), json(200, { success: true, data: {} }, { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '59', 'X-RateLimit-Reset': '1700000000', 'X-RateLimit-Tier': 'free' })]);
  const c = client(fetch);
  await c.preferences.get();
  assert.equal(c.rateLimit, null);
  await c.preferences.get();
  assert.deepEqual(c.rateLimit, { limit: 60, remaining: 59, reset: 1700000000, tier: 'free' });
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter(null), null);
  assert.equal(parseRetryAfter('soon'), null);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
});

test('DELETE resolves to undefined on 204', async () => {
  const fetch = stubFetch([() => new Response(null, { status: 204 })]);
  assert.equal(await client(fetch).tasks.delete(UUID), undefined);
  assert.equal(fetch.calls[0].method, 'DELETE');
});

test('PronaFlow.login() signs in and then sends the JWT; a 401 refreshes it once', async () => {
  const fetch = stubFetch([
    ok({ mfa_required: false, access_token: 'access-1', refresh_token: 'refresh-1', token_type: 'bearer', expires_in: 1800 }),
    json(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'expired', details: null } }),
    ok({ access_token: 'access-2', refresh_token: 'refresh-2', token_type: 'bearer', expires_in: 1800 }),
    ok({ email: 'owner@pronaflow.demo' }),
  ]);
  const refreshed = [];
  const c = await PronaFlow.login({ email: 'owner@pronaflow.demo', password: 'pw', baseUrl: BASE, fetch, onTokenRefresh: (t) => refreshed.push(t) });
  assert.deepEqual(await c.auth.me(), { email: 'owner@pronaflow.demo' });
  const [login, first, refresh, retry] = fetch.calls;
  assert.equal(login.url.pathname, '/api/v1/auth/login');
  assert.equal(login.headers.get('authorization'), null);
  assert.deepEqual(login.body, { password: 'pw', email: 'owner@pronaflow.demo' });
  assert.equal(first.headers.get('authorization'), 'Bearer access-1');
  assert.equal(refresh.url.pathname, '/api/v1/auth/refresh');
  assert.deepEqual(refresh.body, { refresh_token: 'refresh-1' });
  assert.equal(retry.headers.get('authorization'), 'Bearer access-2');
  assert.deepEqual(refreshed, [{ accessToken: 'access-2', refreshToken: 'refresh-2' }]);
});

test('a 401 whose refresh fails reports the original 401', async () => {
  const fetch = stubFetch([
    json(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'expired', details: null } }, { 'X-Request-ID': 'r1' }),
    json(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'refresh token revoked', details: null } }),
  ]);
  const c = new PronaFlow({ accessToken: 'a', refreshToken: 'r', baseUrl: BASE, fetch });
  const err = await c.auth.me().catch((e) => e);
  assert.equal(err.status, 401);
  assert.equal(err.message, 'expired');
  assert.equal(err.requestId, 'r1');
});

test('an API token is never "refreshed": its 401 is thrown', async () => {
  const fetch = stubFetch([json(401, { success: false, error: { code: 'UNAUTHORIZED', message: 'bad token', details: null } })]);
  const err = await client(fetch).auth.me().catch((e) => e);
  assert.equal(err.code, 'UNAUTHORIZED');
  assert.equal(fetch.calls.length, 1);
});

test('login with MFA on: MFA_REQUIRED without a code, the second step with one', async () => {
  const challenge = ok({ mfa_required: true, mfa_token: 'mfa-tok' });
  const err = await PronaFlow.login({ email: 'a@b.c', password: 'pw', baseUrl: BASE, fetch: stubFetch([challenge]) }).catch((e) => e);
  assert.equal(err.code, 'MFA_REQUIRED');
  assert.deepEqual(err.details, { mfa_token: 'mfa-tok' });

  const fetch = stubFetch([challenge, ok({ access_token: 'a', refresh_token: 'r', mfa_required: false }), ok({})]);
  const c = await PronaFlow.login({ email: 'a@b.c', password: 'pw', totpCode: '123456', baseUrl: BASE, fetch });
  await c.preferences.get();
  assert.deepEqual(fetch.calls[1].body, { mfa_token: 'mfa-tok', totp_code: '123456' });
  assert.equal(fetch.calls[2].headers.get('authorization'), 'Bearer a');
});

test('downloads resolve to bytes, content type and file name', async () => {
  const fetch = stubFetch([
    text(200, 'a,b\n1,2\n', { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="report.csv"' }),
  ]);
  const file = await client(fetch).reports.export(UUID, { format: 'csv' });
  assert.equal(new TextDecoder().decode(file.data), 'a,b\n1,2\n');
  assert.equal(file.contentType, 'text/csv');
  assert.equal(file.filename, 'report.csv');
});

test('the notification stream parses Server-Sent Events and skips heartbeats', async () => {
  const body = ': heartbeat\n\nid: 1\nevent: notification\ndata: {"title":"Hi"}\n\n: heartbeat\r\n\r\nid: 2\ndata: line one\ndata: line two\n\n';
  const fetch = stubFetch([text(200, body, { 'Content-Type': 'text/event-stream' })]);
  const events = [];
  for await (const e of client(fetch).notifications.stream({ lastEventId: '0' })) events.push(e);
  assert.deepEqual(events.map((e) => [e.id, e.event, e.data]), [
    ['1', 'notification', { title: 'Hi' }],
    ['2', 'message', 'line one\nline two'],
  ]);
  assert.equal(fetch.calls[0].headers.get('last-event-id'), '0');
  assert.equal(fetch.calls[0].headers.get('accept'), 'text/event-stream');
});

test('the spec example shape: webhooks.create passes events through as written', async () => {
  const fetch = stubFetch([json(201, { success: true, data: { id: UUID } })]);
  await client(fetch).webhooks.create({ url: 'https://your-app.com/webhook', events: ['task.created', 'task.completed'] });
  assert.deepEqual(fetch.calls[0].body, { url: 'https://your-app.com/webhook', events: ['task.created', 'task.completed'] });
});

test('a 409 on a repeated POST (first attempt still running) is retried; a 409 on the first attempt is not', async () => {
  const conflict = json(409, { success: false, error: { code: 'CONFLICT', message: 'still being processed', details: null } });
  const fetch = stubFetch([networkError(), conflict, json(201, { success: true, data: { id: UUID } }, { 'Idempotent-Replayed': 'true' })]);
  assert.deepEqual(await client(fetch).projects.create({ workspace_id: UUID, name: 'P' }), { id: UUID });
  assert.equal(fetch.calls.length, 3);
  assert.equal(new Set(fetch.calls.map((c) => c.headers.get('idempotency-key'))).size, 1);

  const cycle = stubFetch([json(409, { success: false, error: { code: 'CONFLICT', message: 'cycle', details: null } })]);
  const err = await client(cycle).tasks.addDependency(UUID, { depends_on_task_id: UUID }).catch((e) => e);
  assert.equal(err.code, 'CONFLICT');
  assert.equal(cycle.calls.length, 1);
});
