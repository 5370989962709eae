// What the server under test supports, read from its OpenAPI document. Also a command:
//   node test/live/features.js http://127.0.0.1:8000 webhook-events   -> prints true or false

/** The schema object at a $ref (`#/components/schemas/X`), or the object itself. */
function resolve(schema, node) {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((obj, key) => obj?.[key], schema);
  }
  return current;
}

/** Whether POST /api/v1/integration/webhooks documents an `events` field (the spec's SDK example). */
export function webhookCreateTakesEvents(schema) {
  const body = schema.paths?.['/api/v1/integration/webhooks']?.post?.requestBody?.content?.['application/json']?.schema;
  const resolved = resolve(schema, body);
  const variants = [resolved, ...(resolved?.allOf ?? []), ...(resolved?.oneOf ?? []), ...(resolved?.anyOf ?? [])].map((s) => resolve(schema, s));
  return variants.some((s) => s?.properties && 'events' in s.properties);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [base, feature] = process.argv.slice(2);
  const schema = await (await fetch(new URL('/openapi.json', base))).json();
  if (feature !== 'webhook-events') throw new Error(`unknown feature ${feature}`);
  console.log(webhookCreateTakesEvents(schema));
}
