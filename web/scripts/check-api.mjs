// Fails when src/api/schema.ts is not what openapi-typescript makes of the
// box's API document (src/api/openapi.json, kept current by the Rust test
// `docs::the_web_apps_copy_of_the_api_document_is_current`): the page's
// types come from the Rust models, never by hand. `npm run gen:api` fixes it.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'dt-api-'));
try {
  const fresh = join(dir, 'schema.ts');
  execFileSync('npx', ['openapi-typescript', 'src/api/openapi.json', '-o', fresh], { stdio: 'ignore' });
  if (readFileSync(fresh, 'utf8') !== readFileSync('src/api/schema.ts', 'utf8')) {
    console.error('src/api/schema.ts is stale: run `npm run gen:api` in web/');
    process.exit(1);
  }
  console.log('src/api/schema.ts matches the API document');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
