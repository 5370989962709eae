// Prints `PRONAFLOW_API_TOKEN=...` and `PRONAFLOW_PROJECT_ID=...` for the live tests: signs in (with
// the SDK) as PRONAFLOW_LOGIN_EMAIL / PRONAFLOW_LOGIN_PASSWORD, creates an API token with every scope
// the server lists, and picks a project of the user's for the spec example.
import { PronaFlow } from '@pronaflow/sdk';

const { PRONAFLOW_BASE_URL: baseUrl, PRONAFLOW_LOGIN_EMAIL: email, PRONAFLOW_LOGIN_PASSWORD: password } = process.env;
const session = await PronaFlow.login({ email, password, baseUrl });
const scopes = (await session.tokens.scopes()).map((s) => s.scope);
const token = await session.tokens.create({ name: `sdk-js live tests ${new Date().toISOString()}`, scopes });
const { data: projects } = await session.projects.list({ page_size: 1 });
console.log(`PRONAFLOW_API_TOKEN=${token.token}`);
console.log(`PRONAFLOW_PROJECT_ID=${projects[0]?.id ?? ''}`);
