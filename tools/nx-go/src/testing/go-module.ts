import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes files into a fresh temporary workspace and returns its root. */
export function tempWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-go-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A go.mod for module `example` at the Go version the workspace uses. */
export const goMod = 'module example\n\ngo 1.25\n';
