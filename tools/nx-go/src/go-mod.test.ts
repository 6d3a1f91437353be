import { directivesHash, goDirective, goModDirectives, goSumLines, moduleHash } from './go-mod';

const goMod = `module slipway // the module

go 1.25.0

toolchain go1.25.14

require (
	github.com/jackc/pgx/v5 v5.12.0
	github.com/philhofer/fwd v1.2.0 // indirect
)

require modernc.org/sqlite v1.59.0

replace (
	example.com/a => ./third_party/a
	example.com/b v1.0.0 => example.com/c v1.1.0 // a fork
)

exclude example.com/d v1.2.3

retract [v0.1.0, v0.2.0] // "published by mistake"
`;

describe('goModDirectives', () => {
  it('keeps every directive but the requirements, one a line, without comments or layout', () => {
    expect(goModDirectives(goMod)).toEqual([
      'module slipway',
      'go 1.25.0',
      'toolchain go1.25.14',
      'replace example.com/a => ./third_party/a',
      'replace example.com/b v1.0.0 => example.com/c v1.1.0',
      'exclude example.com/d v1.2.3',
      'retract [v0.1.0, v0.2.0]',
    ]);
    expect(goDirective(goModDirectives(goMod))).toBe('1.25.0');
  });

  it('leaves a // inside a quoted string alone', () => {
    expect(goModDirectives('module "example.com/x//y" // c\n')).toEqual(['module "example.com/x//y"']);
  });

  it('refuses a block that is never closed', () => {
    expect(() => goModDirectives('module x\n\nrequire (\n\ta v1.0.0\n')).toThrow(/require \( block is never closed/);
  });

  it('changes its hash with any directive, not with a requirement or a comment', () => {
    const base = directivesHash(goModDirectives(goMod));
    expect(directivesHash(goModDirectives(goMod.replace('fwd v1.2.0', 'fwd v1.3.0')))).toBe(base);
    expect(directivesHash(goModDirectives(goMod.replace('// a fork', '// our fork')))).toBe(base);
    expect(directivesHash(goModDirectives(`${goMod}\n\n`))).toBe(base);
    for (const [from, to] of [
      ['go 1.25.0', 'go 1.25.1'],
      ['toolchain go1.25.14', 'toolchain go1.25.15'],
      ['=> ./third_party/a', '=> ./vendor/a'],
      ['exclude example.com/d v1.2.3', 'exclude example.com/d v1.2.4'],
      ['retract [v0.1.0, v0.2.0]', 'retract v0.1.0'],
    ] as const) {
      expect(directivesHash(goModDirectives(goMod.replace(from, to))), `${from} → ${to}`).not.toBe(base);
    }
  });
});

describe('moduleHash', () => {
  const goSum = [
    'github.com/philhofer/fwd v1.1.0 h1:old=',
    'github.com/philhofer/fwd v1.1.0/go.mod h1:oldmod=',
    'github.com/philhofer/fwd v1.2.0 h1:e6Dn=',
    'github.com/philhofer/fwd v1.2.0/go.mod h1:RqIH=',
    'golang.org/x/text v0.41.0 h1:vz=',
    '',
  ].join('\n');
  const fwd = { path: 'github.com/philhofer/fwd', version: 'v1.2.0', sum: 'github.com/philhofer/fwd v1.2.0' };

  it('groups go.sum lines by module version, the /go.mod line with its version', () => {
    expect(goSumLines(goSum).get('github.com/philhofer/fwd v1.2.0')).toEqual(['github.com/philhofer/fwd v1.2.0 h1:e6Dn=', 'github.com/philhofer/fwd v1.2.0/go.mod h1:RqIH=']);
  });

  it('changes with the lines of the version the build uses, not with those of another version or module', () => {
    const base = moduleHash(fwd, goSumLines(goSum));
    expect(moduleHash(fwd, goSumLines(goSum.replace('v1.1.0 h1:old=', 'v1.1.0 h1:other=')))).toBe(base);
    expect(moduleHash(fwd, goSumLines(`${goSum}golang.org/x/text v0.40.0 h1:x=\n`))).toBe(base);
    expect(moduleHash(fwd, goSumLines(goSum.replace('v1.2.0 h1:e6Dn=', 'v1.2.0 h1:tampered=')))).not.toBe(base);
    expect(moduleHash(fwd, goSumLines(goSum.replace('github.com/philhofer/fwd v1.2.0/go.mod h1:RqIH=\n', '')))).not.toBe(base);
    expect(moduleHash({ ...fwd, version: 'v1.1.0', sum: 'github.com/philhofer/fwd v1.1.0' }, goSumLines(goSum))).not.toBe(base);
  });
});
