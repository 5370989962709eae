// Builds the dual package with the TypeScript compiler alone (no bundler):
//   dist/esm  ES modules + .d.ts            (the "import" condition, browsers and bundlers)
//   dist/cjs  CommonJS + .d.ts, and entry.cjs (the "require" condition)
// entry.cjs exports the PronaFlow class itself, with every named export as a property of it, so both
// `const PronaFlow = require('@pronaflow/sdk')` (the API spec's example) and
// `const { PronaFlow } = require('@pronaflow/sdk')` work.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const dist = path.join(root, 'dist');

await rm(dist, { recursive: true, force: true });
for (const project of ['tsconfig.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}
await mkdir(path.join(dist, 'cjs'), { recursive: true });
await writeFile(path.join(dist, 'esm', 'package.json'), '{ "type": "module" }\n');
await writeFile(path.join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
await writeFile(
  path.join(dist, 'cjs', 'entry.cjs'),
  `'use strict';
const sdk = require('./index.js');
const PronaFlow = sdk.PronaFlow;
for (const [name, value] of Object.entries(sdk)) {
  if (!(name in PronaFlow)) Object.defineProperty(PronaFlow, name, { value, enumerable: true });
}
module.exports = PronaFlow;
`,
);
console.log('built dist/esm and dist/cjs');
