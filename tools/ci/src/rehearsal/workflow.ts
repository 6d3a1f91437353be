import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** One step of a workflow job, as written. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** One job, as written. */
export interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  strategy?: { matrix?: unknown; 'fail-fast'?: boolean };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: WorkflowStep[];
}

/** The parts of a GitHub Actions workflow the rehearsal and its checks read. */
export interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

/** Parses a workflow file. */
export function loadWorkflow(file: string): Workflow {
  const wf = parse(readFileSync(file, 'utf8')) as Workflow;
  if (!wf?.jobs) throw new Error(`${file} has no jobs`);
  return wf;
}

/** The step with this id in this job; the rehearsal runs its `run:` script. */
export function stepById(wf: Workflow, job: string, id: string): WorkflowStep & { run: string } {
  const step = wf.jobs[job]?.steps.find((s) => s.id === id);
  if (!step?.run) throw new Error(`the workflow has no step with id "${id}" and a run: script in job "${job}"`);
  return step as WorkflowStep & { run: string };
}

/** The workflow-level environment, which holds only plain values (no expressions). */
export function workflowEnv(wf: Workflow): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(wf.env ?? {})) {
    if (String(v).includes('${{')) throw new Error(`workflow env ${k} is an expression; the rehearsal takes only plain values there`);
    env[k] = String(v);
  }
  return env;
}

/** The names a workflow's text reads from a context (`vars.X`, `secrets.X`), sorted. */
export function referencedNames(text: string, context: 'vars' | 'secrets'): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))) names.add(m[1]!);
  return [...names].sort();
}

/** A composite action's metadata (action.yml), as far as the checks read it. */
export interface CompositeAction {
  runs: { using: string; steps: WorkflowStep[] };
}

/** Parses a local composite action. */
export function loadAction(file: string): CompositeAction {
  const action = parse(readFileSync(file, 'utf8')) as CompositeAction;
  if (action?.runs?.using !== 'composite') throw new Error(`${file} is not a composite action`);
  return action;
}
