import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';

/** One package an image carries. */
export interface SbomComponent {
  /** `golang` or `npm`: the purl type. */
  ecosystem: 'golang' | 'npm';
  name: string;
  version: string;
  /** sha512 of the npm tarball (the lockfile's integrity), hex. */
  sha512?: string;
}

/** What the SBOM describes: the image, the application in it, and the packages the application links or bundles. */
export interface SbomInput {
  /** Repository of the image (`host/ns/slipway-api`). */
  image: string;
  digest: string;
  application: SbomComponent;
  components: SbomComponent[];
  /** The Go toolchain or Node the application is built or run with, as a property. */
  properties?: Record<string, string>;
}

function purl(c: SbomComponent): string {
  const name = c.ecosystem === 'npm' && c.name.startsWith('@') ? `%40${c.name.slice(1)}` : c.name;
  return `pkg:${c.ecosystem}/${name}@${encodeURIComponent(c.version)}`;
}

function component(type: Enums.ComponentType, c: SbomComponent): Models.Component {
  const hashes = new Models.HashDictionary(c.sha512 ? [[Enums.HashAlgorithm['SHA-512'], c.sha512]] : []);
  return new Models.Component(type, c.name, { version: c.version, purl: purl(c), bomRef: purl(c), hashes });
}

/**
 * The CycloneDX 1.6 JSON document of an image. Deterministic: no timestamp
 * and a serial number derived from the digest, so the same image gives the
 * same SBOM bytes (and the same SBOM digest) on every run.
 */
export function cyclonedxJson(input: SbomInput): string {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(input.digest)?.[1];
  if (!hex) throw new Error(`"${input.digest}" is not a sha256 manifest digest`);
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
  });
  const name = input.image.split('/').at(-1) ?? input.image;
  const image = new Models.Component(Enums.ComponentType.Container, name, {
    version: input.digest,
    bomRef: input.digest,
    purl: `pkg:oci/${name}@${encodeURIComponent(input.digest)}?repository_url=${encodeURIComponent(input.image)}`,
  });
  for (const [k, v] of Object.entries(input.properties ?? {}).sort()) image.properties.add(new Models.Property(k, v));
  bom.metadata.component = image;
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'docker-publish', { group: 'slipway' }));
  const app = component(Enums.ComponentType.Application, input.application);
  bom.components.add(app);
  const seen = new Set<string>([purl(input.application)]);
  for (const c of input.components) {
    if (seen.has(purl(c))) continue;
    seen.add(purl(c));
    const lib = component(Enums.ComponentType.Library, c);
    bom.components.add(lib);
    app.dependencies.add(lib.bomRef);
  }
  image.dependencies.add(app.bomRef);
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

/** How many packages an SBOM lists (the application and its libraries). */
export function sbomPackageCount(json: string): number {
  return ((JSON.parse(json) as { components?: unknown[] }).components ?? []).length;
}

/** Code-point order, the same on every machine (localeCompare is not). */
function byNameAndVersion(a: SbomComponent, b: SbomComponent): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.name, b.name) || cmp(a.version, b.version);
}

interface GoPackage {
  ImportPath: string;
  Standard?: boolean;
  Module?: { Path: string; Version?: string; Main?: boolean; Replace?: { Path: string; Version?: string } };
}

/** Splits the stream of JSON objects `go list -json` prints. */
export function parseGoList(text: string): GoPackage[] {
  return text
    .split(/^}$/m)
    .map((chunk) => chunk.trim())
    .filter(Boolean)
    .map((chunk) => JSON.parse(`${chunk}}`) as GoPackage);
}

/** The modules (other than the main one) that a list of packages comes from, with their versions (a replacement's when replaced). */
export function goModules(packages: GoPackage[]): SbomComponent[] {
  const mods = new Map<string, SbomComponent>();
  for (const p of packages) {
    const m = p.Module;
    if (p.Standard || !m || m.Main) continue;
    const version = m.Replace?.Version ?? m.Version ?? '(devel)';
    mods.set(m.Path, { ecosystem: 'golang', name: m.Path, version });
  }
  return [...mods.values()].sort(byNameAndVersion);
}

/**
 * The Go modules a service links, as the image builds it: `go list -deps` of
 * its main package with the image's settings (GOOS=linux GOARCH=amd64
 * CGO_ENABLED=0), the same closure docker-build's hash takes.
 */
export function goServiceSbom(goDir: string, service: string, image: string, digest: string, version: string): string {
  const env = { ...process.env, GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
  const r = spawnSync('go', ['list', '-deps', '-json=ImportPath,Standard,Module', `./apps/${service}`], { cwd: goDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`go could not be started for the SBOM of ${service}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`go list -deps ./apps/${service} failed (the SBOM needs the Go module):\n${r.stderr.trim()}`);
  const packages = parseGoList(r.stdout);
  const main = packages.find((p) => p.Module?.Main)?.Module?.Path ?? 'main';
  const goMod = readFileSync(`${goDir}/go.mod`, 'utf8');
  const toolchain = /^toolchain\s+(\S+)/m.exec(goMod)?.[1] ?? /^go\s+(\S+)/m.exec(goMod)?.[1];
  return cyclonedxJson({
    image,
    digest,
    application: { ecosystem: 'golang', name: `${main}/apps/${service}`, version },
    components: goModules(packages),
    properties: { 'slipway:go:settings': 'GOOS=linux GOARCH=amd64 CGO_ENABLED=0 -trimpath', ...(toolchain ? { 'slipway:go:gomod-toolchain': toolchain } : {}) },
  });
}

interface LockPackage {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Where npm resolves `name` required from the package at `from` (nested node_modules first, then up). */
function resolveIn(packages: Record<string, LockPackage>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i >= 0 ? dir.slice(0, i) : '';
  }
}

function sha512Hex(integrity: string | undefined): string | undefined {
  const m = /sha512-([A-Za-z0-9+/=]+)/.exec(integrity ?? '');
  return m?.[1] ? Buffer.from(m[1], 'base64').toString('hex') : undefined;
}

/**
 * The npm packages an app's production build can carry: the closure of its
 * `dependencies` (not devDependencies) in a lockfile (v3, as docker-deps
 * prunes it), through each package's dependencies, optional dependencies
 * that are installed, and required peers. Workspace links are followed.
 */
export function npmRuntimePackages(lock: { packages: Record<string, LockPackage> }): SbomComponent[] {
  const packages = lock.packages;
  const out = new Map<string, SbomComponent>();
  const seen = new Set<string>();
  const todo: string[] = [''];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    let key = next;
    let pkg = packages[key];
    if (!pkg || seen.has(key)) continue;
    seen.add(key);
    if (pkg.link && pkg.resolved) {
      key = pkg.resolved;
      pkg = packages[key];
      if (!pkg || seen.has(key)) continue;
      seen.add(key);
    }
    const name = pkg.name ?? key.split('node_modules/').at(-1) ?? key;
    if (key !== '' && pkg.version) out.set(`${name}@${pkg.version}`, { ecosystem: 'npm', name, version: pkg.version, ...(sha512Hex(pkg.integrity) ? { sha512: sha512Hex(pkg.integrity) } : {}) });
    const wanted = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}).filter((p) => !pkg.peerDependenciesMeta?.[p]?.optional),
    ];
    for (const dep of wanted) {
      const at = resolveIn(packages, key, dep);
      if (at) todo.push(at);
    }
  }
  return [...out.values()].sort(byNameAndVersion);
}

/** The SBOM of a Node app's image, from the pruned lockfile its image's `npm ci` installs (dist/docker/<project>/package-lock.json). */
export function npmAppSbom(lockfile: string, image: string, digest: string, version: string): string {
  let lock: { name?: string; packages?: Record<string, LockPackage> };
  try {
    lock = JSON.parse(readFileSync(lockfile, 'utf8')) as typeof lock;
  } catch (e) {
    throw new Error(`${lockfile} cannot be read for the SBOM (run docker-deps first): ${(e as Error).message}`);
  }
  if (!lock.packages?.['']) throw new Error(`${lockfile} is not an npm lockfile v2/v3 (no "packages")`);
  const root = lock.packages[''];
  return cyclonedxJson({
    image,
    digest,
    application: { ecosystem: 'npm', name: root.name ?? lock.name ?? 'app', version },
    components: npmRuntimePackages({ packages: lock.packages }),
  });
}
