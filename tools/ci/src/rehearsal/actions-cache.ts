import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { minimatch } from 'minimatch';
import type { JobSpace, StandIn } from './github-run';

interface SavedFile {
  from: string;
  stored: string;
}

/** The files a `path:` input names: one absolute glob per line (`*` within the last segment), `!` to leave some out. */
export function cacheFiles(paths: string): string[] {
  const lines = paths.split('\n').map((l) => l.trim()).filter(Boolean);
  const matches = (glob: string) => {
    const dir = dirname(glob);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((f) => statSync(f).isFile() && minimatch(f, glob));
  };
  const included = new Set(lines.filter((l) => !l.startsWith('!')).flatMap(matches));
  for (const l of lines.filter((x) => x.startsWith('!'))) for (const f of matches(l.slice(1))) included.delete(f);
  return [...included].sort();
}

/**
 * Stand-ins for actions/cache/restore and actions/cache/save: one directory per key, scoped by
 * branch as GitHub scopes its caches (a run restores its own branch's entries, then main's; what
 * it saves only its own branch sees).
 */
export function actionsCache(dir: string, branch: string): Record<string, StandIn> {
  const entry = (scope: string, key: string) => join(dir, encodeURIComponent(scope), encodeURIComponent(key));
  const restoreFrom = (key: string, prefixes: string[]): string | undefined => {
    for (const scope of [...new Set([branch, 'main'])]) {
      if (existsSync(join(entry(scope, key), 'files.json'))) return entry(scope, key);
      for (const prefix of prefixes) {
        const root = join(dir, encodeURIComponent(scope));
        const found = (existsSync(root) ? readdirSync(root) : [])
          .filter((k) => decodeURIComponent(k).startsWith(prefix))
          .map((k) => join(root, k))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
        if (found) return found;
      }
    }
    return undefined;
  };
  return {
    'actions/cache/restore': (inputs: Record<string, string>, space: JobSpace) => {
      const prefixes = (inputs['restore-keys'] ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
      const from = restoreFrom(inputs['key'] ?? '', prefixes);
      space.env['REHEARSAL_CACHE_RESTORED'] = from ? decodeURIComponent(basename(from)) : '';
      if (!from) return;
      for (const f of JSON.parse(readFileSync(join(from, 'files.json'), 'utf8')) as SavedFile[]) {
        mkdirSync(dirname(f.from), { recursive: true });
        cpSync(join(from, f.stored), f.from);
      }
    },
    'actions/cache/save': (inputs: Record<string, string>) => {
      const to = entry(branch, inputs['key'] ?? '');
      // GitHub keeps the first entry of a key: a second save of it is a warning, not a change.
      if (existsSync(join(to, 'files.json'))) return;
      mkdirSync(to, { recursive: true });
      const files = cacheFiles(inputs['path'] ?? '').map((from, i) => ({ from, stored: `${i}-${basename(from)}` }));
      for (const f of files) cpSync(f.from, join(to, f.stored));
      writeFileSync(join(to, 'files.json'), JSON.stringify(files));
    },
  };
}

/** What a saved entry holds: the file names, by key and branch. */
export function savedEntries(dir: string): { branch: string; key: string; files: string[] }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((scope) =>
    readdirSync(join(dir, scope)).map((key) => ({
      branch: decodeURIComponent(scope),
      key: decodeURIComponent(key),
      files: (JSON.parse(readFileSync(join(dir, scope, key, 'files.json'), 'utf8')) as SavedFile[]).map((f) => basename(f.from)).sort(),
    })),
  );
}
