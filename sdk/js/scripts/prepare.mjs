// npm's `prepare` hook: runs on `npm install ./sdk/js` (from a checkout) and `npm pack`. A checkout has
// no dist/ (it is built, not committed); build it, first installing the dev dependencies (TypeScript)
// from the lock file when they are missing, so one `npm install ./sdk/js` is enough.
import { execFileSync, execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
try {
  require.resolve('typescript/bin/tsc');
} catch {
  console.log('@pronaflow/sdk: installing the build tools (npm ci) to build dist/');
  execSync('npm ci --ignore-scripts --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
