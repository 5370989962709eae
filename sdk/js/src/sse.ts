/** A minimal Server-Sent Events parser over a fetch Response body (works in Node 18+ and browsers). */

export interface ServerSentEvent {
  /** The `id:` field (pass it back as lastEventId to resume). */
  id: string | null;
  /** The `event:` field, `message` when absent. */
  event: string;
  /** The `data:` lines joined by "\n", parsed as JSON when they are JSON. */
  data: unknown;
  /** The raw data text. */
  raw: string;
}

export async function* parseEventStream(response: Response): AsyncGenerator<ServerSentEvent> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let id: string | null = null;
  let lastId: string | null = null;
  let event = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            const raw = data.join('\n');
            let parsed: unknown = raw;
            try {
              parsed = JSON.parse(raw);
            } catch {
              /* plain text */
            }
            lastId = id ?? lastId;
            yield { id: lastId, event: event || 'message', data: parsed, raw };
          }
          id = null;
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue; // comment / heartbeat
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? '' : line.slice(colon + 1);
        if (val.startsWith(' ')) val = val.slice(1);
        if (field === 'data') data.push(val);
        else if (field === 'event') event = val;
        else if (field === 'id') id = val;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
