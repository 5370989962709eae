// verify() against the reference implementation of Standard Webhooks (the `standardwebhooks` package).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { verify, sign, WebhookVerificationError } from '@pronaflow/sdk';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RAW = 'a-plain-secret-of-at-least-16-chars';
const BODY = JSON.stringify({ type: 'task.created', data: { id: 't1', title: 'Design UI ✓' } });
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

function signedHeaders(wh, { id = ID, at = new Date(), body = BODY } = {}) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': wh.sign(id, at, body),
  };
}

test('accepts what the reference library signs, with a whsec_ secret, and returns the payload', async () => {
  const headers = signedHeaders(new Webhook(WHSEC));
  assert.deepEqual(await verify(WHSEC, headers, BODY), JSON.parse(BODY));
  assert.deepEqual(await verify(WHSEC, new Headers(headers), new TextEncoder().encode(BODY)), JSON.parse(BODY));
});

test('a secret without whsec_ is used as its UTF-8 bytes (the library\'s raw format)', async () => {
  const headers = signedHeaders(new Webhook(RAW, { format: 'raw' }));
  assert.deepEqual(await verify(RAW, headers, BODY), JSON.parse(BODY));
  await assert.rejects(verify('whsec_' + btoa('someone else'), headers, BODY), WebhookVerificationError);
});

test('the reference library accepts what sign() produces', async () => {
  const ts = Math.floor(Date.now() / 1000);
  for (const [secret, wh] of [[WHSEC, new Webhook(WHSEC)], [RAW, new Webhook(RAW, { format: 'raw' })]]) {
    const signature = await sign(secret, ID, ts, BODY);
    const headers = { 'webhook-id': ID, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    assert.deepEqual(wh.verify(BODY, headers), JSON.parse(BODY));
    assert.equal(signature, wh.sign(ID, new Date(ts * 1000), BODY));
  }
});

test('a changed body, id or timestamp is refused', async () => {
  const wh = new Webhook(WHSEC);
  const headers = signedHeaders(wh);
  await assert.rejects(verify(WHSEC, headers, BODY.replace('Design', 'Redesign')), /No matching signature/);
  await assert.rejects(verify(WHSEC, { ...headers, 'webhook-id': 'msg_other' }, BODY), /No matching signature/);
  await assert.rejects(
    verify(WHSEC, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) }, BODY),
    /No matching signature/,
  );
});

test('timestamps more than 5 minutes away are refused, within 5 minutes accepted', async () => {
  const wh = new Webhook(WHSEC);
  const now = Date.now();
  const old = signedHeaders(wh, { at: new Date(now - 301_000) });
  await assert.rejects(verify(WHSEC, old, BODY, { now }), /too old/);
  const future = signedHeaders(wh, { at: new Date(now + 301_000) });
  await assert.rejects(verify(WHSEC, future, BODY, { now }), /too new/);
  const edge = signedHeaders(wh, { at: new Date(now - 290_000) });
  assert.ok(await verify(WHSEC, edge, BODY, { now }));
  // the reference library agrees on both sides of the window
  assert.throws(() => wh.verify(BODY, old));
  assert.ok(wh.verify(BODY, edge));
  await assert.rejects(verify(WHSEC, { ...edge, 'webhook-timestamp': 'yesterday' }, BODY), /Invalid webhook-timestamp/);
});

test('several space-separated signatures: one valid v1 is enough; other versions are ignored', async () => {
  const wh = new Webhook(WHSEC);
  const headers = signedHeaders(wh);
  const valid = headers['webhook-signature'];
  const rotated = `v1,${btoa('not the right mac at all, 32 byt')} v1a,${valid.slice(3)} ${valid}`;
  assert.ok(await verify(WHSEC, { ...headers, 'webhook-signature': rotated }, BODY));
  const noV1 = `v1a,${valid.slice(3)} v2,${valid.slice(3)}`;
  await assert.rejects(verify(WHSEC, { ...headers, 'webhook-signature': noV1 }, BODY), /No matching signature/);
  await assert.rejects(verify(WHSEC, { ...headers, 'webhook-signature': 'v1,%%%not-base64' }, BODY), /No matching signature/);
});

test('missing headers are refused; header names match in any case; arrays (Node) are accepted', async () => {
  const headers = signedHeaders(new Webhook(WHSEC));
  const { 'webhook-signature': _omit, ...partial } = headers;
  await assert.rejects(verify(WHSEC, partial, BODY), /Missing/);
  const shouty = {
    'Webhook-Id': headers['webhook-id'],
    'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
    'webhook-signature': [headers['webhook-signature']],
  };
  assert.ok(await verify(WHSEC, shouty, BODY));
});

test('a parsed object instead of the raw body is a TypeError', async () => {
  const headers = signedHeaders(new Webhook(WHSEC));
  await assert.rejects(verify(WHSEC, headers, JSON.parse(BODY)), TypeError);
});

test('a whsec_ secret in the URL-safe base64 alphabet decodes to the same key bytes', async () => {
  const key = new Uint8Array(32).map((_, i) => (i * 67 + 251) % 256); // bytes whose base64 holds + and /
  const standard = btoa(String.fromCharCode(...key));
  assert.match(standard, /[+/]/);
  const urlsafe = standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const headers = signedHeaders(new Webhook(standard)); // the reference library takes standard base64
  assert.ok(await verify(`whsec_${standard}`, headers, BODY));
  assert.ok(await verify(`whsec_${urlsafe}`, headers, BODY));
});
