/**
 * Webhook signature verification following Standard Webhooks (https://www.standardwebhooks.com):
 *
 *   webhook-id:        msg_...
 *   webhook-timestamp: seconds since the epoch
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)> [v1,<...> ...]
 *
 * The key is the base64-decoded part after `whsec_`, or the UTF-8 bytes of any other secret.
 * Uses WebCrypto (crypto.subtle), so it runs in browsers, Node 18+, Deno and edge runtimes;
 * crypto.subtle.verify compares the MACs in constant time.
 */
import { WebhookVerificationError } from './errors.js';

/** A Fetch `Headers`, or a plain object such as Node's `req.headers` (any case, string or string[]). */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Largest accepted distance between the timestamp and now, in seconds. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** "Now" for the timestamp check (tests). */
  now?: Date | number;
}

const encoder = new TextEncoder();

function header(headers: HeadersLike, name: string): string | null {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    return (headers as Headers).get(name);
  }
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value.join(' ') : value ?? null;
  }
  return null;
}

/** Standard base64; the URL-safe alphabet (- and _) and missing padding are accepted too. */
function base64ToBytes(value: string): Uint8Array<ArrayBuffer> {
  let normal = value.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (normal.length % 4) normal += '='.repeat(4 - (normal.length % 4));
  const binary = atob(normal);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The HMAC key bytes of a webhook secret. */
export function secretKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (secret.startsWith('whsec_')) {
    try {
      return base64ToBytes(secret.slice('whsec_'.length));
    } catch {
      throw new WebhookVerificationError('The whsec_ secret is not valid base64');
    }
  }
  return encoder.encode(secret);
}

function bodyBytes(body: string | Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body); // a copy, backed by a plain ArrayBuffer
  throw new TypeError('verify(): the body must be the raw request body (string, Uint8Array or ArrayBuffer), not parsed JSON');
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Checks a webhook request and resolves to its parsed JSON payload (or the body text when it is not
 * JSON). Throws WebhookVerificationError when a header is missing, the timestamp is outside the
 * tolerance, or no `v1` signature matches. Pass the raw body exactly as received.
 */
export async function verify(
  secret: string,
  headers: HeadersLike,
  body: string | Uint8Array | ArrayBuffer,
  options: VerifyOptions = {},
): Promise<unknown> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header');
  }
  if (!/^\d+$/.test(timestamp.trim())) throw new WebhookVerificationError('Invalid webhook-timestamp');
  const sentAt = Number(timestamp.trim());
  const nowMs = options.now instanceof Date ? options.now.getTime() : options.now ?? Date.now();
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor(nowMs / 1000);
  if (sentAt < now - tolerance) throw new WebhookVerificationError('Message timestamp too old');
  if (sentAt > now + tolerance) throw new WebhookVerificationError('Message timestamp too new');

  const raw = bodyBytes(body);
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    secretKeyBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const signed = concat(encoder.encode(`${id}.${timestamp.trim()}.`), raw);

  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    let candidate: Uint8Array<ArrayBuffer>;
    try {
      candidate = base64ToBytes(entry.slice(comma + 1));
    } catch {
      continue;
    }
    // verify() is the constant-time comparison of WebCrypto.
    if (await globalThis.crypto.subtle.verify('HMAC', key, candidate, signed)) {
      const text = typeof body === 'string' ? body : new TextDecoder().decode(raw);
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
  }
  throw new WebhookVerificationError('No matching signature found');
}

/**
 * Signs a payload the way a Standard Webhooks sender does (for tests and local tools):
 * returns the `webhook-signature` value `v1,<base64>`.
 */
export async function sign(secret: string, id: string, timestamp: number | string, body: string | Uint8Array): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey(
    'raw',
    secretKeyBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(
    await globalThis.crypto.subtle.sign('HMAC', key, concat(encoder.encode(`${id}.${timestamp}.`), bodyBytes(body))),
  );
  let binary = '';
  for (const b of mac) binary += String.fromCharCode(b);
  return `v1,${btoa(binary)}`;
}
