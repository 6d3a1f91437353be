import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './run';

// In the image the SPA build is copied to public/ beside the bundled main.mjs.
// (Not `new URL('./public', import.meta.url)`: Vite would try to resolve that as an asset.)
const defaultStaticDir = join(dirname(fileURLToPath(import.meta.url)), 'public');

const code = await run(process.argv, process.env, {
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  defaultStaticDir,
});
// Exit explicitly: pooled upstream sockets or stdout must not keep a stopped server alive.
process.exit(code);
