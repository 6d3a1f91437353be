// with-remote-cache: runs a command (typically `npx nx ...`) with Nx's
// self-hosted remote cache when its server is healthy, and without it when it
// is down, slow or failing, instead of letting Nx 23.2.1 fail or hang.
//   node -r @swc-node/register tools/remote-cache/src/cli/with-remote-cache.ts -- npx nx affected -t docker-build
// Exits with the command's exit code (128 + signal number when a signal ended it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { resilientEnv } from '../resilient-env';

const NAME = 'with-remote-cache';
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The command after `--`, or undefined when there is none. */
export function commandOf(argv: string[]): string[] | undefined {
  const sep = argv.indexOf('--');
  const command = sep === -1 ? argv : argv.slice(sep + 1);
  if (sep === -1 && argv.length > 0) return undefined; // options before the command must be ended by --
  return command.length > 0 ? command : undefined;
}

function warn(message: string): void {
  // In GitHub Actions the warning also becomes an annotation on the run.
  const prefix = process.env['GITHUB_ACTIONS'] === 'true' ? '::warning title=remote cache::' : `${NAME}: warning: `;
  process.stderr.write(`${prefix}${message}\n`);
}

async function main(): Promise<number> {
  const command = commandOf(process.argv.slice(2));
  if (!command) {
    process.stderr.write(`usage: ${NAME} -- <command> [args...]\n`);
    return 2;
  }
  let decision;
  try {
    decision = await resilientEnv(process.env);
  } catch (e) {
    process.stderr.write(`${NAME}: ${(e as Error).message}\n`);
    return 2;
  }
  if (decision.warning) warn(decision.warning);

  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { stdio: 'inherit', env: decision.env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward(signal));
  return new Promise((resolve) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`${NAME}: cannot run ${file}: ${err.message}\n`);
      resolve(err.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${NAME}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
