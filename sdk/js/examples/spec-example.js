// The Node.js example of the API spec (pronaflow-api-v1.2.md, "SDK Examples"), verbatim between the
// markers, with the token, base URL and project id taken from the environment:
//
//   PRONAFLOW_BASE_URL=http://localhost:8000 PRONAFLOW_API_TOKEN=prona_... \
//   PRONAFLOW_PROJECT_ID=<uuid> node examples/spec-example.js
//
// The spec's snippet uses `require` and top-level `await` together, which a CommonJS script cannot
// do; this file is an ES module (sdk/js is "type": "module") that defines `require` first.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);

// ---- spec example ----
const PronaFlow = require('@pronaflow/sdk');

const client = new PronaFlow({
  apiToken: process.env.PRONAFLOW_API_TOKEN,
  baseUrl: process.env.PRONAFLOW_BASE_URL
});

// Create task
const task = await client.tasks.create({
  title: 'Design UI',
  priority: 'high',
  project_id: process.env.PRONAFLOW_PROJECT_ID
});

// List projects
const projects = await client.projects.list();

// Subscribe to webhook
const webhook = await client.webhooks.create({
  url: 'https://your-app.com/webhook',
  events: ['task.created', 'task.completed']
});
// ---- end of spec example ----

console.log(`task ${task.id} "${task.title}" (${task.priority})`);
console.log(`projects: ${projects.data.length} of ${projects.pagination.total}`);
console.log(`webhook ${webhook.id} -> ${webhook.url}`);
