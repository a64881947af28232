// Prints what a guest's phone downloads on first load (index.html and every
// file it references), raw and gzipped, and fails the build over budget.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_GZIP_BYTES = 150 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const referenced = [...html.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1]);
const files = ['index.html', ...new Set(referenced)];

let raw = 0;
let gz = 0;
const rows = files.map((file) => {
  const bytes = readFileSync(join(dist, file));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += statSync(join(dist, file)).size;
  gz += zipped;
  return `| ${file} | ${(bytes.length / 1024).toFixed(1)} | ${(zipped / 1024).toFixed(1)} |`;
});
console.log('\nGuest page, first load:\n');
console.log('| file | KB | KB gzipped |\n|---|---:|---:|');
console.log(rows.join('\n'));
console.log(`| **total** | ${(raw / 1024).toFixed(1)} | ${(gz / 1024).toFixed(1)} |`);
console.log(`\nBudget: ${BUDGET_GZIP_BYTES / 1024} KB gzipped.`);
if (gz > BUDGET_GZIP_BYTES) {
  console.error(`Over budget by ${((gz - BUDGET_GZIP_BYTES) / 1024).toFixed(1)} KB.`);
  process.exit(1);
}
