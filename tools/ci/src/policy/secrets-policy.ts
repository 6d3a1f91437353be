import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROTECTED_ENVIRONMENT, WRITE_SECRETS } from './write-secrets';

/** Secrets a pull request may hold: reading the cache and the release namespace, pushing previews. */
export const READ_SECRETS = ['GITHUB_TOKEN', 'NX_CACHE_READ_TOKEN', 'REGISTRY_READ_PASSWORD', 'PREVIEW_REGISTRY_PASSWORD'] as const;

/** One breach of the policy, where it is and what to do. */
export interface Finding {
  file: string;
  job?: string;
  message: string;
}

/** Events whose runs execute code, or take artifacts, from a pull request while holding the base repository's secrets. */
const PRIVILEGED_PR_EVENTS = ['pull_request_target', 'workflow_run'];

type Job = Record<string, unknown> & { if?: unknown; environment?: unknown; steps?: unknown[] };

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

/** Every secret a piece of the workflow names (`secrets.X`, `secrets['X']`), and whether it hands over all of them. */
function secretRefs(node: unknown): { names: Set<string>; all: boolean } {
  const text = JSON.stringify(node ?? null);
  const names = new Set<string>();
  for (const m of text.matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  for (const m of text.matchAll(/secrets\[\s*\\?['"]([^'"\\]+)\\?['"]\s*\]/g)) names.add(m[1]!);
  const all = /toJSON\(\s*secrets\s*\)/i.test(text) || /"secrets":"inherit"/.test(text);
  return { names, all };
}

/** The environment a job names by a literal name, or why it does not. */
function literalEnvironment(job: Job): { name?: string; expression?: boolean } {
  const env = job.environment;
  const name = typeof env === 'string' ? env : env && typeof env === 'object' ? (env as { name?: unknown }).name : undefined;
  if (name === undefined) return {};
  if (typeof name !== 'string' || name.includes('${{')) return { expression: true };
  return { name };
}

/** Whether a job's `if:` confines it to pushes to main (both conditions, joined by && only). */
function onlyPushToMain(job: Job): boolean {
  const cond = typeof job.if === 'string' ? job.if.replace(/\$\{\{|\}\}/g, '') : '';
  if (!cond || cond.includes('||') || /!\s*\(/.test(cond)) return false;
  const has = (re: RegExp) => re.test(cond.replace(/\s+/g, ' '));
  return has(/github\.event_name ?== ?'push'/) && has(/github\.ref ?== ?'refs\/heads\/main'/);
}

/** Whether a step checks out code that a pull request controls. */
function checksOutPullRequest(step: unknown): boolean {
  if (!step || typeof step !== 'object') return false;
  const s = step as { uses?: unknown; with?: Record<string, unknown>; run?: unknown };
  const ref = JSON.stringify(s.with ?? {});
  const fromEvent = /github\.event\.(pull_request\.head|workflow_run\.head|pull_request\.merge)|github\.head_ref|refs\/pull\//;
  if (typeof s.uses === 'string' && s.uses.startsWith('actions/checkout@') && fromEvent.test(ref)) return true;
  return typeof s.run === 'string' && /git (fetch|checkout)/.test(s.run) && fromEvent.test(s.run);
}

/** Checks one workflow's text against the write-secret policy. */
export function checkWorkflow(file: string, text: string): Finding[] {
  const wf = parse(text) as { on?: unknown; true?: unknown; env?: unknown; jobs?: Record<string, Job> } | null;
  if (!wf || typeof wf !== 'object' || !wf.jobs) return [{ file, message: 'not a workflow: it has no jobs' }];
  // YAML 1.1 readers turn a bare `on:` key into true; the yaml package keeps "on", but accept both.
  const events = triggers(wf.on ?? wf.true);
  const findings: Finding[] = [];
  const write = new Set<string>(WRITE_SECRETS);
  const known = new Set<string>([...WRITE_SECRETS, ...READ_SECRETS]);
  const takesPullRequests = events.some((e) => e === 'pull_request' || PRIVILEGED_PR_EVENTS.includes(e));
  const privileged = events.filter((e) => PRIVILEGED_PR_EVENTS.includes(e));

  const top = secretRefs(wf.env);
  for (const name of top.names) {
    if (write.has(name)) findings.push({ file, message: `workflow-level env names the write secret ${name}, which hands it to every job: move it to a step of a job with environment: ${PROTECTED_ENVIRONMENT}` });
  }

  for (const [id, job] of Object.entries(wf.jobs)) {
    const refs = secretRefs(job);
    const env = literalEnvironment(job);
    for (const name of refs.names) {
      if (!known.has(name)) findings.push({ file, job: id, message: `secret ${name} is declared neither as a write secret nor as a read secret (tools/ci/src/policy): decide which` });
    }
    const writes = [...refs.names].filter((n) => write.has(n));
    if (env.expression) {
      findings.push({ file, job: id, message: `the environment is an expression: name ${PROTECTED_ENVIRONMENT} literally, in a job of its own, or none` });
    }
    if ((writes.length > 0 || refs.all) && env.name !== PROTECTED_ENVIRONMENT) {
      const what = writes.length > 0 ? `the write secret${writes.length > 1 ? 's' : ''} ${writes.join(', ')}` : 'every secret (toJSON(secrets) or secrets: inherit)';
      findings.push({ file, job: id, message: `uses ${what} outside the protected environment: add environment: ${PROTECTED_ENVIRONMENT} to a job that runs only for pushes to main` });
    }
    if (env.name === PROTECTED_ENVIRONMENT && takesPullRequests && !onlyPushToMain(job)) {
      findings.push({ file, job: id, message: `names environment ${PROTECTED_ENVIRONMENT} but can run for a pull request: give it if: github.event_name == 'push' && github.ref == 'refs/heads/main'` });
    }
    if (privileged.length > 0) {
      const handed = [...refs.names].filter((n) => n !== 'GITHUB_TOKEN');
      if (handed.length > 0 || refs.all) {
        findings.push({ file, job: id, message: `runs on ${privileged.join(', ')} with secrets (${refs.all ? 'all of them' : handed.join(', ')}), which a pull request's code or artifacts would reach: use pull_request, or no secrets` });
      }
      if ((job.steps ?? []).some(checksOutPullRequest)) {
        findings.push({ file, job: id, message: `runs on ${privileged.join(', ')} and checks out the pull request's code, which then runs with the base repository's token and cache: use pull_request` });
      }
    }
  }
  return findings;
}

/** Checks every workflow of a directory (`.github/workflows`). */
export function checkWorkflows(dir: string): Finding[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) return [{ file: dir, message: 'no workflow files found' }];
  return files.flatMap((f) => checkWorkflow(join(dir, f), readFileSync(join(dir, f), 'utf8')));
}

/** One line per finding. */
export function formatFinding(f: Finding): string {
  return `${f.file}${f.job ? ` (job ${f.job})` : ''}: ${f.message}`;
}
