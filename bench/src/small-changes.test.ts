import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/workspace';
import { toggledLockfile, UNUSED } from './small-changes';

describe("small-changes' lockfile change", () => {
  it("swaps the unused package in the workspace's own package-lock.json, and back", () => {
    const lock = readFileSync(join(repoRoot, 'package-lock.json'), 'utf8');
    const once = toggledLockfile(lock);
    expect(once.text).not.toBe(lock);
    expect(once.swap.startsWith(`${UNUSED.name} `)).toBe(true);
    const twice = toggledLockfile(once.text);
    expect(twice.text).toBe(lock);
  });

  it('says what to do when the package is gone from the lockfile', () => {
    expect(() => toggledLockfile('{}')).toThrow(/has no @swc\/counter entry at 0\.1\.3 or 0\.1\.2: pick another package no image uses/);
  });
});
