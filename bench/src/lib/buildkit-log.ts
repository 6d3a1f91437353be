/**
 * Whether the BuildKit step whose instruction matches `instruction` was reused from
 * the cache in a `--progress plain` log: BuildKit prints `#12 [builder 4/9] RUN … npm ci …`
 * and, for a cache hit, `#12 CACHED`. Undefined when no such step is in the log.
 */
export function stepCached(log: string, instruction: RegExp): boolean | undefined {
  let found: boolean | undefined;
  for (const m of log.matchAll(/^(?:\S+: )?#(\d+) \[[^\]]+\] (.*)$/gm)) {
    if (!instruction.test(m[2] ?? '')) continue;
    const id = m[1];
    found = new RegExp(`^(?:\\S+: )?#${id} CACHED\\s*$`, 'm').test(log);
  }
  return found;
}
