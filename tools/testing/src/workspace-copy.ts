import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository this code lives in. */
export const workspaceRoot = resolve(__dirname, '../../..');

/** A throwaway copy of the workspace with its own git history. */
export interface WorkspaceCopy {
  root: string;
  /** Runs git in the copy and returns its trimmed stdout. */
  git: (...args: string[]) => string;
  /** Commits everything in the copy and returns the new HEAD. */
  commit: (message: string) => string;
  remove: () => void;
}

/**
 * Copies the files git would keep (tracked, and untracked but not ignored) into a
 * temporary directory, links node_modules, and commits them as the first commit,
 * so tests can change files and compare commits without touching the real tree.
 */
export function copyWorkspace(prefix = 'slipway-ws-'): WorkspaceCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(workspaceRoot, file);
    const to = join(root, file);
    mkdirSync(dirname(to), { recursive: true });
    try {
      cpSync(from, to, { verbatimSymlinks: true });
    } catch (e) {
      // A file deleted in the work tree but still in the index: the copy goes without it.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'slipway-test', GIT_AUTHOR_EMAIL: 'test@slipway.invalid', GIT_COMMITTER_NAME: 'slipway-test', GIT_COMMITTER_EMAIL: 'test@slipway.invalid' },
    }).trim();
  git('init', '-q', '-b', 'main');
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  commit('workspace copy');
  return { root, git, commit, remove: () => rmSync(root, { recursive: true, force: true }) };
}
