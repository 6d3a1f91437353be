import { atLeast, builderProblem, describeBuilder, parseInspect } from './builder';

const remote = `Name:          slipway
Driver:        remote
Last Activity: 2026-12-01 21:55:23 +0000 UTC

Nodes:
Name:             slipway0
Endpoint:         unix:///run/slipway-harness/buildkitd.sock
Status:           running
BuildKit version: v0.34.2
Platforms:        linux/amd64, linux/amd64/v2
`;

const dockerDriver = `Name:   default
Driver: docker

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.8+unknown
Platforms:        linux/amd64, linux/386
`;

describe('parseInspect', () => {
  it.each([
    ['a remote builder', remote, { name: 'slipway', driver: 'remote', buildkit: ['v0.34.2'] }],
    ['the docker driver', dockerDriver, { name: 'default', driver: 'docker', buildkit: ['v0.8+unknown'] }],
    ['a builder with no running node', 'Name: ci\nDriver: docker-container\n\nNodes:\nName: ci0\nStatus: inactive\n', { name: 'ci', driver: 'docker-container', buildkit: [] }],
  ])('reads %s', (_name, text, want) => {
    expect(parseInspect(text)).toEqual(want);
  });

  it('refuses output without a builder', () => {
    expect(() => parseInspect('ERROR: no builder "x" found')).toThrow(/no builder name or driver/);
  });
});

describe('atLeast', () => {
  it.each([
    ['v0.34.2', '0.13.0', true],
    ['v0.13.0', '0.13.0', true],
    ['v0.12.5', '0.13.0', false],
    ['v0.8+unknown', '0.13.0', false],
    ['v1.0', '0.13.0', true],
    ['unknown', '0.13.0', undefined],
  ])('%s against %s', (v, min, want) => {
    expect(atLeast(v, min)).toBe(want);
  });
});

describe('builderProblem', () => {
  it('accepts a current BuildKit', () => {
    expect(builderProblem(parseInspect(remote))).toBeUndefined();
  });

  it('names an old builder, its version and the fix', () => {
    const problem = builderProblem(parseInspect(dockerDriver));
    expect(problem).toMatch(/builder "default" \(docker driver\) runs BuildKit v0\.8\+unknown/);
    expect(problem).toMatch(/v0\.13\.0 or newer/);
    expect(problem).toMatch(/BUILDX_BUILDER=/);
  });

  it('refuses a builder with no running node', () => {
    expect(builderProblem({ name: 'ci', driver: 'kubernetes', buildkit: [] })).toMatch(/"ci" \(kubernetes driver\) has no running node/);
  });

  it('describes the builder it uses', () => {
    expect(describeBuilder(parseInspect(remote))).toBe('buildx builder "slipway" (remote driver, BuildKit v0.34.2)');
  });
});
