import { join } from 'node:path';
import { formatFiles, generateFiles, getProjects, type Tree } from '@nx/devkit';
import { GO_MODULE_ROOT } from '../../go-projects';

/** The options of `nx g @slipway/nx-go:service` (schema.json). */
export interface ServiceGeneratorSchema {
  /** Directory under go/apps, Nx project name and image name (`slipway-<name>`). */
  name: string;
  /** What the service is, for its package comment and `-h`; one line. */
  description?: string;
}

/** What the templates are filled with. */
export interface ServiceTemplateValues {
  name: string;
  /** The Go module path, from go/go.mod (`slipway`). */
  module: string;
  /** The prefix of the service's environment variables: `audit-log` reads `AUDIT_LOG_ADDR`. */
  envPrefix: string;
  /** The description, for comments. */
  description: string;
  /** The description as a Go string literal, for `-h`. */
  descriptionLiteral: string;
}

/**
 * A service name: lower-case words of letters and digits joined by single hyphens.
 * It must be a Docker image name component, an Nx project name and a Go import path
 * element at once, and turn into an environment variable prefix.
 */
export const SERVICE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** The shared libraries the generated code imports (go/libs/<lib>). */
export const SERVICE_LIBS = ['envconfig', 'httpx', 'logging', 'service', 'testkit'] as const;

/** The module path that go.mod declares, or an error saying why there is none. */
export function goModulePath(goMod: string): string {
  const m = /^module\s+("?)([^\s"]+)\1\s*(?:\/\/.*)?$/m.exec(goMod);
  if (!m?.[2]) throw new Error(`${GO_MODULE_ROOT}/go.mod has no module line`);
  return m[2];
}

/** Checks the options against the workspace and works out what the templates need. */
export function templateValues(tree: Tree, schema: ServiceGeneratorSchema): ServiceTemplateValues {
  const name = schema.name?.trim() ?? '';
  if (!SERVICE_NAME.test(name) || name.length > 40) {
    throw new Error(
      `"${name}" cannot name a service: use lower-case letters and digits, words joined by single hyphens, starting with a letter, at most 40 characters (e.g. audit-log)`,
    );
  }
  // Go libraries are the projects named go-<lib>: an app of that name would collide with one.
  if (name.startsWith('go-')) throw new Error(`"${name}": names starting with go- are the Go libraries' (go/libs/<lib> is the project go-<lib>)`);
  const root = `${GO_MODULE_ROOT}/apps/${name}`;
  if (tree.exists(root)) throw new Error(`${root} exists already`);
  const taken = getProjects(tree).get(name);
  if (taken) throw new Error(`"${name}" is the name of the project in ${taken.root} already`);

  const goModFile = `${GO_MODULE_ROOT}/go.mod`;
  const goMod = tree.read(goModFile, 'utf-8');
  if (goMod === null) throw new Error(`there is no Go module at ${goModFile}: a service is a directory of that module's apps/`);
  const module = goModulePath(goMod);
  const missing = SERVICE_LIBS.filter((lib) => !tree.children(`${GO_MODULE_ROOT}/libs/${lib}`).some((f) => f.endsWith('.go')));
  if (missing.length) throw new Error(`the service is built on ${missing.map((l) => `${GO_MODULE_ROOT}/libs/${l}`).join(', ')}, which the module lacks`);

  const description = (schema.description?.trim() || `Slipway's ${name} service`).replace(/\.+$/, '');
  // One line: it goes into // comments.
  if (/[\p{Cc}\u2028\u2029]/u.test(description)) throw new Error('the description must be one line of text, without control characters');
  return {
    name,
    module,
    envPrefix: name.toUpperCase().replaceAll('-', '_'),
    description,
    // A JSON string is a valid Go interpreted string literal (\" \\ \uXXXX), and has no control characters.
    descriptionLiteral: JSON.stringify(description),
  };
}

/**
 * Adds a Go service at go/apps/<name>, shaped like the others: `main` calls `run`
 * (through libs/service), configuration from <NAME>_* variables (libs/envconfig),
 * `GET /healthz` through libs/httpx, table-driven tests and a fuzz target for the
 * configuration. Nothing else is written: the Go plugin infers its project, build,
 * test, lint and serve; the images plugin its docker-build (the shared Go Dockerfile,
 * `SERVICE=<name>`) and image-size with the default budget; the CI plan picks it up
 * from the affected graph.
 */
export async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<void> {
  const values = templateValues(tree, schema);
  generateFiles(tree, join(__dirname, 'files'), `${GO_MODULE_ROOT}/apps/${values.name}`, { ...values, tmpl: '' });
  await formatFiles(tree);
}

export default serviceGenerator;
