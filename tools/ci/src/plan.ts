/** One job of the images matrix. */
export interface MatrixEntry {
  project: string;
}

/** A GitHub Actions matrix: `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`. */
export interface Matrix {
  include: MatrixEntry[];
}

const projectName = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses `nx show projects --json`, which prints a JSON array of project names. */
export function parseProjects(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() || '[]');
  } catch {
    throw new Error(`nx show projects printed no JSON array: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(value) || !value.every((p): p is string => typeof p === 'string')) {
    throw new Error(`nx show projects printed ${JSON.stringify(value).slice(0, 200)}, not an array of project names`);
  }
  for (const p of value) if (!projectName.test(p)) throw new Error(`"${p}" is not an Nx project name`);
  return [...new Set(value)].sort();
}

/** Nx task hashes by task id (`api:docker-build`), as tools/affected/src/nx-hashes.ts prints them. */
export type TaskHashes = Record<string, string>;

/** Parses the last line of nx-hashes' output: a JSON object of task id → hash. */
export function parseHashes(text: string): TaskHashes {
  const line = text.trim().split('\n').at(-1) ?? '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`nx-hashes printed no JSON object: ${line.slice(0, 200)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((h) => typeof h === 'string' && /^\d+$/.test(h))) {
    throw new Error(`nx-hashes printed ${line.slice(0, 200)}, not task ids with hashes`);
  }
  return value as TaskHashes;
}

/** What the plan keeps of the affected image projects, and why it drops the others. */
export interface HashPlan {
  /** The projects whose docker-build would build: a new hash, or one that could not be compared. */
  keep: string[];
  /** The projects whose docker-build hash is the same at base and head: a cache hit, nothing to build. */
  dropped: string[];
}

/**
 * Keeps the affected image projects whose docker-build hash differs between base and
 * head. Affected is per project (a test file or an unlinked package of a project makes
 * it affected); the hash is per input, so an unchanged hash means the image would be a
 * cache hit with the same digest. A project without a hash on either side is kept (the
 * safe side: a new project, or a base whose hashes could not be computed).
 */
export function keepChangedHashes(projects: readonly string[], base: TaskHashes | undefined, head: TaskHashes | undefined): HashPlan {
  const keep: string[] = [];
  const dropped: string[] = [];
  for (const p of [...new Set(projects)].sort()) {
    const id = `${p}:docker-build`;
    const b = base?.[id];
    const h = head?.[id];
    if (b && h && b === h) dropped.push(p);
    else keep.push(p);
  }
  return { keep, dropped };
}

/** The images matrix: one entry per affected image project, in name order. An empty list gives an empty `include`. */
export function imageMatrix(projects: readonly string[]): Matrix {
  return { include: [...new Set(projects)].sort().map((project) => ({ project })) };
}

/** The step outputs of the plan: the matrix, the project list and whether there is anything to build. */
export function planOutputs(projects: readonly string[]): Record<string, string> {
  const matrix = imageMatrix(projects);
  return {
    matrix: JSON.stringify(matrix),
    projects: JSON.stringify(matrix.include.map((e) => e.project)),
    'has-images': String(matrix.include.length > 0),
  };
}

/**
 * Step outputs in the format of GitHub's $GITHUB_OUTPUT file: `name=value`
 * per line, or a heredoc with a delimiter that the value does not contain when
 * the value spans lines.
 */
export function githubOutput(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`"${name}" is not a step output name`);
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      let delimiter = 'SLIPWAY_EOF';
      while (value.includes(delimiter)) delimiter += '_';
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

/** Reads a $GITHUB_OUTPUT file back into name → value (what the runner does between steps). */
export function parseGithubOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end === -1) throw new Error(`output ${heredoc[1]} has no closing ${heredoc[2]}`);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}
