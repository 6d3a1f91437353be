#!/usr/bin/env node
// Fails when gofmt would change a file, and names the files and the fix.
import { execFileSync } from 'node:child_process';

const dirs = process.argv.slice(2);
const out = execFileSync('gofmt', ['-l', ...dirs], { encoding: 'utf8' }).trim();
if (out) {
  console.error(`gofmt: these files are not formatted:\n${out}\nfix: gofmt -w ${dirs.join(' ')}`);
  process.exit(1);
}
console.log(`gofmt: ${dirs.join(' ')} formatted`);
