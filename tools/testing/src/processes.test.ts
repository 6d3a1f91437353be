import { createConnection, createServer } from 'node:net';
import { freePort, startGroup, waitForHttp, type Group } from './processes';

const env = process.env;

/** Whether a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('freePort', () => {
  it('gives a loopback port nothing listens on, which can then be bound', async () => {
    const port = await freePort();
    const refused = await new Promise<string>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((r) => server.close(r));
  });
});

describe('startGroup', () => {
  it('keeps the output, and stop() ends the command and what it started', async () => {
    const group = startGroup('bash', ['-c', 'sleep 300 & echo "child $!"; wait'], { cwd: process.cwd(), env });
    await until(() => /child \d+/.test(group.output()));
    const grandchild = Number(/child (\d+)/.exec(group.output())?.[1]);
    expect(alive(grandchild)).toBe(true);
    await group.stop();
    await until(() => !alive(grandchild));
    expect(group.child.signalCode).toBe('SIGTERM');
  });
});

describe('waitForHttp', () => {
  let group: Group | undefined;
  afterEach(async () => {
    await group?.stop();
    group = undefined;
  });

  it('returns once the answer is the one waited for', async () => {
    const port = await freePort();
    // 503 for the first half second, then 200 with a body.
    const server = `const t = Date.now(); require('node:http').createServer((q, s) => Date.now() - t < 500 ? (s.statusCode = 503, s.end('wait')) : s.end('ready')).listen(${port}, '127.0.0.1')`;
    group = startGroup(process.execPath, ['-e', server], { cwd: process.cwd(), env });
    const seen: number[] = [];
    await waitForHttp(`http://127.0.0.1:${port}/`, group, { ok: (status, body) => (seen.push(status), body === 'ready'), timeoutMs: 10_000 });
    expect(seen.at(-1)).toBe(200);
    // The default accepts any 2xx.
    await waitForHttp(`http://127.0.0.1:${port}/`, group);
  });

  it("fails with the command's output when it exits before answering", async () => {
    group = startGroup('bash', ['-c', 'echo listening never; exit 3'], { cwd: process.cwd(), env });
    await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/`, group, { timeoutMs: 10_000 })).rejects.toThrow(/exited \(3\)[^]*listening never/);
  });

  it('fails after the timeout when nothing answers', async () => {
    group = startGroup('sleep', ['30'], { cwd: process.cwd(), env });
    await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/`, group, { timeoutMs: 300 })).rejects.toThrow(/timed out waiting for http:\/\/127\.0\.0\.1:\d+\//);
  });
});
