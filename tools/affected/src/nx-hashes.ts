// nx-hashes: prints the task hash Nx gives each project's `docker-build` (and the
// tasks it depends on, e.g. web's docker-deps) in the current state of the
// workspace, without running anything. The hash comes from Nx's own hasher, the
// way `nx run-many -t docker-build` computes it before it runs a task: the task
// graph from createTaskGraph, the native task hasher from createTaskHasher, and
// hashTask with the task's own environment, dependencies first. Inputs that read
// the outputs of a dependency (dependentTasksOutputFiles) are hashed from disk,
// so run the dependency first (`nx run web:docker-deps`).
//
//   node -r @swc-node/register tools/affected/src/nx-hashes.ts [--target docker-build] [--since <epoch ms>] [--details]
//
// --since: reuse the project graph an Nx command run in this same state has just
// cached (as Nx does inside a task) instead of computing it again, and refuse a
// graph cached before that time. Prints JSON: { "<project>:<target>": "<hash>" };
// with --details, { hashes, details: { "<project>:<target>": { "<input>": "<hash>" } } }.
import { parseArgs } from 'node:util';
import { createProjectGraphAsync, readCachedProjectGraph, type ProjectGraph, type Task, type TaskGraph } from '@nx/devkit';
import { readNxJson } from 'nx/src/config/configuration';
import { createTaskHasher } from 'nx/src/hasher/create-task-hasher';
import { hashTask } from 'nx/src/hasher/hash-task';
import { createTaskGraph } from 'nx/src/tasks-runner/create-task-graph';
import { getTaskSpecificEnv } from 'nx/src/tasks-runner/task-env';

/** The tasks of the graph, each after the tasks it depends on. */
export function dependenciesFirst(taskGraph: TaskGraph): Task[] {
  const ordered: Task[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of taskGraph.dependencies[id] ?? []) visit(dep);
    const task = taskGraph.tasks[id];
    if (task) ordered.push(task);
  };
  for (const id of Object.keys(taskGraph.tasks).sort()) visit(id);
  return ordered;
}

async function projectGraph(since: number | undefined): Promise<ProjectGraph> {
  if (since === undefined) return createProjectGraphAsync({ exitOnError: true });
  // Throws if the cached graph is older than `since`, i.e. not the one of this state.
  readCachedProjectGraph(since);
  process.env['NX_FORCE_REUSE_CACHED_GRAPH'] = 'true';
  return createProjectGraphAsync({ exitOnError: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { target: { type: 'string', default: 'docker-build' }, since: { type: 'string' }, details: { type: 'boolean', default: false } },
  });
  const target = values.target;
  const graph = await projectGraph(values.since === undefined ? undefined : Number(values.since));
  const projects = Object.values(graph.nodes)
    .filter((n) => n.data.targets?.[target])
    .map((n) => n.name)
    .sort();
  // As `nx run-many -t <target> -p <projects>` builds it: no extra dependencies, no overrides.
  const taskGraph = createTaskGraph(graph, {}, projects, [target], undefined, {});
  const hasher = createTaskHasher(graph, readNxJson());
  const hashes: Record<string, string> = {};
  const details: Record<string, Record<string, string>> = {};
  for (const task of dependenciesFirst(taskGraph)) {
    await hashTask(hasher, graph, taskGraph, task, getTaskSpecificEnv(task, graph), null);
    hashes[task.id] = task.hash ?? '';
    details[task.id] = task.hashDetails?.nodes ?? {};
  }
  // --details: what went into each hash (input → hash), to see why a hash changed.
  process.stdout.write(`${JSON.stringify(values.details ? { hashes, details } : hashes)}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`nx-hashes: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
}
