// Compile-only checks (npm run typecheck): the schema types reach callers of the SDK.
import { PronaFlow, PronaFlowError, verify, type Page, type Schemas } from '@pronaflow/sdk';

async function usage(): Promise<void> {
  const client = new PronaFlow({ apiToken: 'prona_x', baseUrl: 'http://localhost:8000' });
  const task = await client.tasks.create({ title: 'Design UI', priority: 'high', project_id: 'uuid' });
  const title: string = task.title;
  const projects: Page<Schemas['Project']> = await client.projects.list({ page_size: 50 });
  for await (const project of client.projects.iter()) {
    const name: string = project.name;
    void name;
  }
  // @ts-expect-error priority is an enum
  await client.tasks.create({ title: 'x', priority: 'urgent', project_id: 'uuid' });
  const events = await client.events.list({ limit: 10 });
  const total: number = events.pagination.total;
  try {
    await client.webhooks.create({ url: 'https://your-app.com/webhook', events: ['task.created'] });
  } catch (err) {
    if (err instanceof PronaFlowError) console.log(err.status, err.code, err.details, err.requestId);
  }
  await verify('whsec_x', new Headers(), '{}');
  void title, projects, total;
}
void usage;
