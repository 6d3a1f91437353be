#!/usr/bin/env node
// Regenerates the code generated from the ledger API contract,
// libs/api-contract/openapi.yaml:
//
//   libs/api-contract/src/generated/schema.ts        openapi-typescript (the
//                                                     workspace's devDependency)
//   go/apps/api/internal/apitypes/apitypes.gen.go    oapi-codegen, pinned below,
//                                                     run with `go run pkg@version`
//
// Usage (from anywhere; paths are relative to the workspace root):
//   node tools/api-codegen/src/generate.mjs                 rewrite both files in place
//   node tools/api-codegen/src/generate.mjs --out-dir DIR   write them under DIR instead,
//                                                        at the same relative paths
//                                                        (the drift test uses this)
//
// `go run pkg@version` builds oapi-codegen in module-aware mode outside any
// module (it runs from the workspace root, which has no go.mod), so it never
// touches go/go.mod or go/go.sum. It needs Go and the module proxy (or a warm
// module cache).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The oapi-codegen release the Go types are generated with. */
export const OAPI_CODEGEN = 'github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2';

const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Inputs and outputs, relative to the workspace root. */
export const SPEC = 'libs/api-contract/openapi.yaml';
export const OAPI_CODEGEN_CONFIG = 'libs/api-contract/oapi-codegen.yaml';
export const TS_OUTPUT = 'libs/api-contract/src/generated/schema.ts';
export const GO_OUTPUT = 'go/apps/api/internal/apitypes/apitypes.gen.go';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: workspaceRoot, stdio: 'inherit' });
  if (result.error) {
    throw new Error(`could not run ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
  }
}

/** The openapi-typescript CLI, run exactly as `npx openapi-typescript` would. */
function openapiTypescriptCli() {
  const require = createRequire(path.join(workspaceRoot, 'package.json'));
  // The package exports no ./package.json; its CommonJS entry is dist/index.cjs.
  const entry = require.resolve('openapi-typescript');
  return path.join(path.dirname(entry), '..', 'bin', 'cli.js');
}

/** Writes both outputs under outDir (default: the workspace root, i.e. in place). */
export function generate(outDir = workspaceRoot) {
  const tsOut = path.resolve(outDir, TS_OUTPUT);
  const goOut = path.resolve(outDir, GO_OUTPUT);
  mkdirSync(path.dirname(tsOut), { recursive: true });
  mkdirSync(path.dirname(goOut), { recursive: true });

  run(process.execPath, [openapiTypescriptCli(), SPEC, '-o', tsOut]);
  run('go', ['run', OAPI_CODEGEN, '-config', OAPI_CODEGEN_CONFIG, '-o', goOut, SPEC]);
  return { tsOut, goOut };
}

function parseArgs(argv) {
  const options = { outDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out-dir' && argv[i + 1]) {
      options.outDir = path.resolve(argv[++i]);
    } else if (arg.startsWith('--out-dir=')) {
      options.outDir = path.resolve(arg.slice('--out-dir='.length));
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: generate.mjs [--out-dir DIR]`);
    }
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { outDir } = parseArgs(process.argv.slice(2));
    const { tsOut, goOut } = generate(outDir);
    console.log(`generated ${path.relative(process.cwd(), tsOut)}`);
    console.log(`generated ${path.relative(process.cwd(), goOut)}`);
  } catch (error) {
    console.error(`api-codegen generate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
