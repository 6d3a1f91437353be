// Preloaded by the image targets' commands (`node -r ./tools/images/src/lib/ts-register.cjs …`):
// swc compiles each TypeScript file to CommonJS as Node requires it, hooked in through pirates,
// as @swc-node/register does. That package also loads the TypeScript compiler to read
// tsconfig.json, a quarter of a second of every task's start (docs/images.md, below the targets).
'use strict';
const { addHook } = require('pirates');
const { transformSync } = require('@swc/core');

process.setSourceMapsEnabled(true);

addHook(
  (code, filename) =>
    transformSync(code, {
      filename,
      sourceMaps: 'inline',
      module: { type: 'commonjs' },
      jsc: { parser: { syntax: 'typescript', tsx: filename.endsWith('.tsx') }, target: 'es2022' },
    }).code,
  { exts: ['.ts', '.tsx', '.cts', '.mts'] },
);
