import { cyclonedxJson, goModules, npmRuntimePackages, parseGoList, sbomPackageCount } from './sbom';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('npmRuntimePackages', () => {
  const lock = {
    packages: {
      '': { name: '@slipway/web', dependencies: { react: '19', '@slipway/api-contract': '*' }, devDependencies: { vite: '8' } },
      'node_modules/react': { version: '19.3.1', integrity: `sha512-${Buffer.from('react').toString('base64')}`, dependencies: { scheduler: '1' } },
      'node_modules/scheduler': { version: '0.28.0' },
      'node_modules/react/node_modules/scheduler': { version: '0.27.0', peerDependencies: { loose: '*', 'react-dom': '*' }, peerDependenciesMeta: { loose: { optional: true } } },
      'node_modules/react-dom': { version: '19.3.1' },
      'node_modules/loose': { version: '1.0.0' },
      'node_modules/vite': { version: '8.3.8', dependencies: { rollup: '4' } },
      'node_modules/rollup': { version: '4.0.0' },
      'node_modules/@slipway/api-contract': { version: 'file:./workspace_modules/@slipway/api-contract', resolved: 'workspace_modules/@slipway/api-contract', link: true },
      'workspace_modules/@slipway/api-contract': { name: '@slipway/api-contract', version: '0.0.1', dependencies: { react: '19' } },
    },
  };

  it('takes the closure of dependencies, nested resolution first, links followed; dev dependencies and optional peers stay out', () => {
    expect(npmRuntimePackages(lock).map((p) => `${p.name}@${p.version}`)).toEqual(['@slipway/api-contract@0.0.1', 'react@19.3.1', 'react-dom@19.3.1', 'scheduler@0.27.0']);
  });

  it('carries the tarball sha512 as hex', () => {
    expect(npmRuntimePackages(lock).find((p) => p.name === 'react')?.sha512).toBe(Buffer.from('react').toString('hex'));
  });
});

describe('Go modules', () => {
  const out = [
    '{\n\t"ImportPath": "fmt",\n\t"Standard": true\n}',
    '{\n\t"ImportPath": "github.com/google/uuid",\n\t"Module": {\n\t\t"Path": "github.com/google/uuid",\n\t\t"Version": "v1.6.0"\n\t}\n}',
    '{\n\t"ImportPath": "example.com/x/sub",\n\t"Module": {\n\t\t"Path": "example.com/x",\n\t\t"Version": "v1.0.0",\n\t\t"Replace": {\n\t\t\t"Path": "example.com/fork",\n\t\t\t"Version": "v1.0.1"\n\t\t}\n\t}\n}',
    '{\n\t"ImportPath": "slipway/apps/api",\n\t"Module": {\n\t\t"Path": "slipway",\n\t\t"Main": true\n\t}\n}',
  ].join('\n');

  it('parses go list -json and keeps the modules other than the main one, replacements by their version, no standard library', () => {
    const packages = parseGoList(out);
    expect(packages.map((p) => p.ImportPath)).toEqual(['fmt', 'github.com/google/uuid', 'example.com/x/sub', 'slipway/apps/api']);
    expect(goModules(packages)).toEqual([
      { ecosystem: 'golang', name: 'example.com/x', version: 'v1.0.1' },
      { ecosystem: 'golang', name: 'github.com/google/uuid', version: 'v1.6.0' },
    ]);
  });
});

describe('cyclonedxJson', () => {
  const input = {
    image: '127.0.0.1:5000/ns/slipway-web',
    digest,
    application: { ecosystem: 'npm' as const, name: '@slipway/web', version: '1a2b3c4' },
    components: [
      { ecosystem: 'npm' as const, name: 'react', version: '19.3.1', sha512: 'ab'.repeat(64) },
      { ecosystem: 'npm' as const, name: '@remix-run/route-pattern', version: '0.22.1' },
      { ecosystem: 'npm' as const, name: 'react', version: '19.3.1', sha512: 'ab'.repeat(64) },
    ],
  };

  it('a CycloneDX 1.6 document: the image (by digest), the application and its libraries with purls, once each', () => {
    const bom = JSON.parse(cyclonedxJson(input)) as {
      bomFormat: string;
      specVersion: string;
      serialNumber: string;
      metadata: { component: { type: string; version: string; purl: string }; timestamp?: string };
      components: { type: string; name: string; purl: string; hashes?: { alg: string; content: string }[] }[];
    };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.serialNumber).toMatch(/^urn:uuid:01234567-89ab-5def-8123-456789abcdef$/);
    expect(bom.metadata.timestamp).toBeUndefined();
    expect(bom.metadata.component).toMatchObject({ type: 'container', version: digest });
    expect(bom.metadata.component.purl).toBe(`pkg:oci/slipway-web@sha256%3A${digest.slice(7)}?repository_url=127.0.0.1%3A5000%2Fns%2Fslipway-web`);
    expect(bom.components.map((c) => [c.type, c.purl])).toEqual([
      ['library', 'pkg:npm/%40remix-run/route-pattern@0.22.1'],
      ['application', 'pkg:npm/%40slipway/web@1a2b3c4'],
      ['library', 'pkg:npm/react@19.3.1'],
    ]);
    expect(bom.components.find((c) => c.name === 'react')?.hashes).toEqual([{ alg: 'SHA-512', content: 'ab'.repeat(64) }]);
    expect(sbomPackageCount(cyclonedxJson(input))).toBe(3);
  });

  it('is deterministic: the same image gives the same bytes', () => {
    expect(cyclonedxJson(input)).toBe(cyclonedxJson({ ...input, components: [...input.components].reverse() }));
  });
});
