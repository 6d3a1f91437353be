import { condition, evaluate, interpolate } from './expressions';

const ctx = {
  github: { event_name: 'pull_request', ref: 'refs/pull/7/merge', repository: 'o/r', event: { pull_request: { head: { repo: { full_name: 'o/r' } } } } },
  vars: { REGISTRY_HOST: 'reg.example', REGISTRY_NAMESPACE: 'ns', EMPTY: '' },
  needs: { plan: { result: 'success', outputs: { 'has-images': 'true', projects: '["api"]' } }, images: { result: 'skipped' }, 'images-main': { result: 'skipped' } },
  runner: { temp: '/tmp/job' },
};

describe('evaluate', () => {
  it.each([
    ["github.event_name == 'pull_request'", true],
    ["github.event_name == 'PULL_REQUEST'", true],
    ["github.event_name == 'push' && github.ref == 'refs/heads/main'", false],
    ["github.event_name == 'push' || github.event_name == 'pull_request'", true],
    ['github.event.pull_request.head.repo.full_name == github.repository', true],
    ["needs.plan.outputs.has-images == 'true'", true],
    ["needs.images.result == 'skipped' && needs.images-main.result == 'skipped' && '[]' || needs.plan.outputs.projects", '[]'],
    ["needs.images.result == 'success' && '[]' || needs.plan.outputs.projects", '["api"]'],
    ["vars.EMPTY || 'nologin'", 'nologin'],
    ["vars.MISSING || 'nologin'", 'nologin'],
    ['vars.MISSING', null],
    ["vars.EMPTY != ''", false],
    ['vars.EMPTY != vars.REGISTRY_HOST', true],
    ["!(github.event_name == 'push')", true],
    ["always() && needs.plan.result == 'success'", true],
    ["'it''s'", "it's"],
  ])('%s → %j', (expr, want) => {
    expect(evaluate(expr, ctx)).toEqual(want);
  });

  it.each([
    ['secrets.X', /no context "secrets"/],
    ['success()', /cannot evaluate the function success/],
    ["contains(github.ref, 'main')", /cannot evaluate ","/],
    ['github.ref < 3', /cannot evaluate "<"/],
    ["github.ref == 'x' github.sha", /unexpected "github.sha"/],
  ])('refuses %s', (expr, message) => {
    expect(() => evaluate(expr, ctx)).toThrow(message);
  });
});

describe('interpolate and condition', () => {
  it('puts each ${{ }} part in as text, a missing value as empty', () => {
    expect(interpolate('${{ vars.REGISTRY_HOST }}/${{ vars.REGISTRY_NAMESPACE }}', ctx)).toBe('reg.example/ns');
    expect(interpolate('${{ vars.MISSING }}/${{ vars.EMPTY }}', ctx)).toBe('/');
    expect(interpolate('${{ runner.temp }}/nx/cache', ctx)).toBe('/tmp/job/nx/cache');
    expect(interpolate('plain', ctx)).toBe('plain');
  });

  it('reads an if with or without ${{ }}, and no if as true', () => {
    expect(condition("${{ github.event_name == 'pull_request' }}", ctx)).toBe(true);
    expect(condition("github.event_name == 'push'", ctx)).toBe(false);
    expect(condition(undefined, ctx)).toBe(true);
  });
});
