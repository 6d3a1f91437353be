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

/**
 * The step's env values written as `${{ runner.temp }}` or `${{ runner.temp }}/<path>`,
 * evaluated for a job whose RUNNER_TEMP is temp; the rehearsal gives the other values.
 */
export function runnerTempValues(step: WorkflowStep, temp: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    const m = /^\$\{\{ runner\.temp \}\}(\/[^$]*)?$/.exec(String(v));
    if (m) values[k] = temp + (m[1] ?? '');
  }
  return values;
}

/**
 * The environment a step runs with in the rehearsal: the step's own `env:`
 * names, each given a value by the rehearsal. A name the step declares that
 * the rehearsal does not give (or the other way round) is an error, so the
 * rehearsal cannot silently drift from the workflow.
 */
export function stepEnv(step: WorkflowStep, values: Record<string, string>): Record<string, string> {
  const declared = Object.keys(step.env ?? {}).sort();
  const given = Object.keys(values).sort();
  const missing = declared.filter((k) => !given.includes(k));
  const extra = given.filter((k) => !declared.includes(k));
  if (missing.length || extra.length) {
    throw new Error(
      `step "${step.id}": the rehearsal must give exactly the env the workflow declares (${declared.join(', ') || 'none'}); missing: ${missing.join(', ') || 'none'}, not in the workflow: ${extra.join(', ') || 'none'}`,
    );
  }
  return values;
}
