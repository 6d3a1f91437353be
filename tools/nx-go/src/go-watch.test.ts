import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goMod, tempWorkspace } from './testing/go-module';

const script = resolve(__dirname, '../bin/go-watch.mjs');
const program = (word: string) =>
  `package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println("says " + "${word}", os.Getenv("GREETING"))\n\tselect {}\n}\n`;

describe('go-watch', () => {
  it('builds and runs the service, then restarts it with the change when a Go file is saved', async () => {
    const root = tempWorkspace({ 'go/go.mod': goMod, 'go/apps/hello/main.go': program('one') });
    const child = spawn('node', [script, '--module', 'go', '--pkg', './apps/hello', '--default', 'GREETING=hi'], {
      cwd: root,
      env: { ...process.env, GREETING: undefined } as NodeJS.ProcessEnv,
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 90_000;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}"; output so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await waitFor('says one hi');
      // A test file change must not restart the service.
      writeFileSync(join(root, 'go/apps/hello/main_test.go'), 'package main\n');
      writeFileSync(join(root, 'go/apps/hello/main.go'), program('two'));
      await waitFor('says two hi');
      expect(out.match(/restarting hello/g)).toHaveLength(1);
      expect(out).not.toContain('main_test.go changed');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
