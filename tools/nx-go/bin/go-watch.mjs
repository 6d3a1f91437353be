#!/usr/bin/env node
// Dev loop for a Go service: build it, run it, and rebuild + restart when a
// non-test file of the module changes. Used by the inferred `serve` target.
//   go-watch.mjs --module go --pkg ./apps/api [--default KEY=VALUE ...]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, watch } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    module: { type: 'string', default: 'go' },
    pkg: { type: 'string' },
    default: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.pkg) {
  console.error('go-watch: --pkg is required, e.g. --pkg ./apps/api');
  process.exit(2);
}

const moduleDir = resolve(values.module);
const name = basename(values.pkg);
const outDir = resolve('tmp', 'go-watch');
const bin = join(outDir, name);
mkdirSync(outDir, { recursive: true });

// Defaults for local development; anything already in the environment wins.
const env = { ...process.env };
for (const pair of values.default) {
  const i = pair.indexOf('=');
  if (i > 0 && env[pair.slice(0, i)] === undefined) env[pair.slice(0, i)] = pair.slice(i + 1);
}

let child;
let timer;
let stopping = false;

function build() {
  const started = Date.now();
  const r = spawnSync('go', ['build', '-o', bin, values.pkg], { cwd: moduleDir, stdio: 'inherit', env: { ...env, CGO_ENABLED: '0' } });
  if (r.status !== 0) {
    console.error(`go-watch: build of ${name} failed; waiting for the next change`);
    return false;
  }
  console.log(`go-watch: built ${name} in ${Date.now() - started} ms`);
  return true;
}

function start() {
  child = spawn(bin, [], { stdio: 'inherit', env });
  child.on('exit', (code, signal) => {
    if (!stopping && signal === null) console.log(`go-watch: ${name} exited with ${code}; waiting for a change`);
  });
}

function stop() {
  return new Promise((done) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function restart() {
  stopping = true;
  await stop();
  stopping = false;
  if (build()) start();
}

watch(moduleDir, { recursive: true }, (_event, file) => {
  if (!file || file.endsWith('_test.go') || file.includes('testdata') || !/\.(go|sql|mod|sum)$/.test(file)) return;
  clearTimeout(timer);
  timer = setTimeout(() => {
    console.log(`go-watch: ${file} changed, restarting ${name}`);
    void restart();
  }, 150);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    stopping = true;
    await stop();
    process.exit(0);
  });
}

if (build()) start();
