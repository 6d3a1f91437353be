// Prints the external base images the given Dockerfiles name, one per line, in order and
// without repeats, read by the same parser as the image targets (tools/images/src/dockerfile.ts).
//
//   node tools/image-harness/lib/base-images.mts apps/web/Dockerfile go/Dockerfile.multi-stage
//
// Runs on Node's type stripping, with no npm install: up.sh needs it before node_modules exist.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

// tools/images is a CommonJS package (tsc compiles its ESM syntax), so Node alone would load
// dockerfile.ts as CommonJS and stop at `export`: load that one file as an ES module instead.
const parser = new URL('../../images/src/dockerfile.ts', import.meta.url).href;
registerHooks({
  load: (url, context, nextLoad) => nextLoad(url, url === parser ? { ...context, format: 'module-typescript' } : context),
});
const { baseImages } = (await import(parser)) as typeof import('../../images/src/dockerfile.ts');

const seen = new Set<string>();
for (const file of process.argv.slice(2)) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`base-images: ${(err as Error).message}\n`);
    process.exit(1);
  }
  for (const image of baseImages(text)) {
    if (!seen.has(image)) process.stdout.write(`${image}\n`);
    seen.add(image);
  }
}
