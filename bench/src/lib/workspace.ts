import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository the benchmarks measure (the checkout this file is in). */
export const repoRoot = resolve(__dirname, '../../..');

/** A throwaway clone of the repository's HEAD, with the repository's node_modules linked. */
export interface Clone {
  root: string;
  git: (...args: string[]) => string;
  /** Appends text to a file of the clone. */
  append: (file: string, text: string) => void;
  /** Replaces a file's content. */
  write: (file: string, text: string) => void;
  read: (file: string) => string;
  /** Commits every change and returns the new HEAD. */
  commit: (message: string) => string;
  remove: () => void;
}

const gitEnv = {
  GIT_AUTHOR_NAME: 'slipway-bench',
  GIT_AUTHOR_EMAIL: 'bench@slipway.invalid',
  GIT_COMMITTER_NAME: 'slipway-bench',
  GIT_COMMITTER_EMAIL: 'bench@slipway.invalid',
};

/** The commit benchmarks clone: HEAD unless `--ref` says otherwise (e.g. the last commit whose images build). */
let ref = 'HEAD';
export function setBenchRef(commit: string): void {
  ref = commit;
}
export const benchRef = (): string => ref;

/**
 * `git clone` of the repository's committed HEAD (or the `--ref` commit) (what a CI runner checks out; work in
 * progress in the checkout is left out) into a temporary directory, node_modules
 * linked like the image tests do: no `npm ci` per clone.
 */
export function cloneHead(prefix = 'slipway-bench-'): Clone {
  const clone = cloneOf(repoRoot, prefix);
  if (ref !== 'HEAD') execFileSync('git', ['checkout', '-q', '--detach', ref], { cwd: clone.root, stdio: 'ignore' });
  return clone;
}

/**
 * `git clone` of another repository's HEAD (e.g. a benchmark clone with generated projects
 * committed: what a fresh runner checks out of that workspace), with the checkout's node_modules linked.
 */
export function cloneOf(source: string, prefix = 'slipway-bench-'): Clone {
  const root = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('git', ['clone', '-q', '--no-hardlinks', source, root], { stdio: 'ignore' });
  for (const dir of nodeModulesDirs()) {
    // A clone's commits hold its node_modules links (`node_modules/` ignores directories only): a clone of it has them.
    if (existsSync(join(root, dir, '..')) && !isLink(join(root, dir))) symlinkSync(join(repoRoot, dir), join(root, dir), 'dir');
  }
  return openClone(root);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** node_modules of the repository and of its workspace packages (npm nests a package there when versions differ). */
function nodeModulesDirs(): string[] {
  const dirs = ['node_modules'];
  for (const group of ['apps', 'libs', 'tools']) {
    if (!existsSync(join(repoRoot, group))) continue;
    for (const e of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      if (e.isDirectory() && existsSync(join(repoRoot, group, e.name, 'node_modules'))) dirs.push(`${group}/${e.name}/node_modules`);
    }
  }
  return dirs;
}

/** The helpers of a clone already on disk. */
export function openClone(root: string): Clone {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...gitEnv } }).trim();
  return {
    root,
    git,
    append: (file, text) => appendFileSync(join(root, file), text),
    write: (file, text) => writeFileSync(join(root, file), text),
    read: (file) => readFileSync(join(root, file), 'utf8'),
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
