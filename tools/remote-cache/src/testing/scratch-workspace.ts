import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './run';

/** A tiny Nx workspace with one cached target, for watching Nx's remote cache client. */
export interface ScratchWorkspace {
  root: string;
  /** The file the `work` target writes (its declared output). */
  output: string;
  remove: () => void;
}

/**
 * Project `a` with target `work`: cached, writes dist/a/out.txt from $SALT,
 * which is its only input, so each SALT is a fresh hash (a local and remote miss).
 * node_modules is this repository's.
 */
export function scratchWorkspace(): ScratchWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'slipway-nx-scratch-'));
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', private: true, workspaces: ['p/*'] }));
  writeFileSync(join(root, 'nx.json'), JSON.stringify({ neverConnectToCloud: true }));
  mkdirSync(join(root, 'p/a'), { recursive: true });
  const script = "require('fs').mkdirSync('dist/a',{recursive:true});require('fs').writeFileSync('dist/a/out.txt',String(process.env.SALT))";
  writeFileSync(
    join(root, 'p/a/package.json'),
    JSON.stringify({
      name: 'a',
      nx: {
        targets: {
          work: { command: `node -e "${script}"`, cache: true, inputs: [{ env: 'SALT' }], outputs: ['{workspaceRoot}/dist/a'] },
        },
      },
    }),
  );
  return { root, output: join(root, 'dist/a/out.txt'), remove: () => rmSync(root, { recursive: true, force: true }) };
}
