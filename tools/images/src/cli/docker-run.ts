// docker-run: starts the image that docker-build recorded for a project, on a local port.
//   docker-run --project web [--port 8080] [-- extra docker run args]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { metadataPath, readMetadata } from '../build/metadata';

const { values, positionals } = parseArgs({
  options: { project: { type: 'string' }, port: { type: 'string' } },
  allowPositionals: true,
});
if (!values.project) {
  console.error('docker-run: --project is required');
  process.exit(2);
}
const meta = readMetadata(metadataPath(process.cwd(), values.project));
const port = values.port ?? process.env['PORT'] ?? (values.project === 'web' ? '8081' : '8080');
// A local build lives in the engine under its tag; a pushed one is pulled by digest.
const ref = meta.mode === 'local' ? `${meta.image}:${meta.tags[0]}` : `${meta.image}@${meta.digest}`;
const args = ['run', '--rm', '--init', '--name', `slipway-${values.project}-dev`, '-p', `127.0.0.1:${port}:8080`, ...positionals, ref];
console.log(`docker-run: docker ${args.join(' ')}  (http://127.0.0.1:${port})`);
const child = spawn('docker', args, { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 1));
