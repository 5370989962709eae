// A stub of the platform fetch: records every call and answers from a queue (or a function).
export function json(status, body, headers = {}) {
  return () =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    });
}

export function text(status, body, headers = {}) {
  return () => new Response(body, { status, headers });
}

export function networkError(message = 'fetch failed') {
  return () => {
    throw new TypeError(message);
  };
}

/**
 * stubFetch([answer, answer, ...]) answers each call with the next answer; stubFetch(answer) answers
 * every call with the same one. An answer is a function of the call returning a Response (json(),
 * text()), a promise of one, or throwing.
 */
export function stubFetch(answers) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    const call = {
      url: new URL(url),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      signal: init.signal,
    };
    calls.push(call);
    const answer = typeof answers === 'function' ? answers : answers.shift();
    if (!answer) throw new Error(`stubFetch: no answer left for ${call.method} ${url}`);
    return answer(call);
  };
  fetch.calls = calls;
  return fetch;
}

export const ok = (data, extra = {}) => json(200, { success: true, data, ...extra });
export const page = (data, page, total_pages, page_size = data.length) =>
  ok(data, { pagination: { page, page_size, total: total_pages * page_size, total_pages } });
export const UUID = '11111111-2222-4333-8444-555555555555';
