import { githubOutput, imageMatrix, keepChangedHashes, parseGithubOutput, parseHashes, parseProjects, planOutputs } from './plan';

describe('parseProjects', () => {
  it('reads the JSON array of nx show projects, sorted and once each', () => {
    expect(parseProjects('["web","api","web"]\n')).toEqual(['api', 'web']);
    expect(parseProjects('[]')).toEqual([]);
    expect(parseProjects('')).toEqual([]);
  });

  it.each([
    ['not JSON', 'NX  Failed to process the project graph', /printed no JSON array/],
    ['not an array', '{"a":1}', /not an array of project names/],
    ['not a project name', '["api; rm -rf /"]', /is not an Nx project name/],
  ])('refuses %s', (_why, text, error) => {
    expect(() => parseProjects(text)).toThrow(error);
  });
});

describe('imageMatrix and planOutputs', () => {
  it('gives one entry per image project', () => {
    expect(imageMatrix(['web', 'api'])).toEqual({ include: [{ project: 'api' }, { project: 'web' }] });
    expect(planOutputs(['web', 'api'])).toEqual({
      matrix: '{"include":[{"project":"api"},{"project":"web"}]}',
      projects: '["api","web"]',
      'has-images': 'true',
    });
  });

  it('says there is nothing to build for no affected image, with a matrix that is still valid JSON', () => {
    expect(planOutputs([])).toEqual({ matrix: '{"include":[]}', projects: '[]', 'has-images': 'false' });
  });
});

describe('githubOutput', () => {
  it('writes name=value lines that read back the same', () => {
    const outputs = planOutputs(['api']);
    const text = githubOutput(outputs);
    expect(text).toBe('matrix={"include":[{"project":"api"}]}\nprojects=["api"]\nhas-images=true\n');
    expect(parseGithubOutput(text)).toEqual(outputs);
  });

  it('uses a heredoc with a delimiter the value does not contain for multi-line values', () => {
    const text = githubOutput({ notes: 'a\nSLIPWAY_EOF\nb' });
    expect(text).toBe('notes<<SLIPWAY_EOF_\na\nSLIPWAY_EOF\nb\nSLIPWAY_EOF_\n');
    expect(parseGithubOutput(text)).toEqual({ notes: 'a\nSLIPWAY_EOF\nb' });
  });

  it('refuses an invalid output name', () => {
    expect(() => githubOutput({ 'a b': 'x' })).toThrow(/not a step output name/);
  });
});

describe('keepChangedHashes', () => {
  const base = { 'api:docker-build': '1', 'cache:docker-build': '2', 'web:docker-build': '3', 'web:docker-deps': '9' };

  it('drops the affected image projects whose docker-build hash is the same at base and head', () => {
    const head = { ...base, 'cache:docker-build': '20', 'web:docker-deps': '90' };
    expect(keepChangedHashes(['web', 'cache', 'api'], base, head)).toEqual({ keep: ['cache'], dropped: ['api', 'web'] });
  });

  it('keeps a project it cannot compare: new at head, or no hashes for a side', () => {
    const head = { ...base, 'new:docker-build': '4' };
    expect(keepChangedHashes(['api', 'new'], base, head)).toEqual({ keep: ['new'], dropped: ['api'] });
    expect(keepChangedHashes(['api', 'web'], undefined, base)).toEqual({ keep: ['api', 'web'], dropped: [] });
    expect(keepChangedHashes(['api'], base, undefined)).toEqual({ keep: ['api'], dropped: [] });
  });

  it('keeps nothing of nothing', () => {
    expect(keepChangedHashes([], base, base)).toEqual({ keep: [], dropped: [] });
  });
});

describe('parseHashes', () => {
  it("reads the last line of nx-hashes' output", () => {
    expect(parseHashes('NX some warning\n{"api:docker-build":"123","web:docker-deps":"45"}\n')).toEqual({ 'api:docker-build': '123', 'web:docker-deps': '45' });
  });

  it.each([
    ['no JSON', 'NX  Failed to process the project graph', /printed no JSON object/],
    ['not hashes', '{"api:docker-build":12}', /not task ids with hashes/],
    ['an array', '["api"]', /not task ids with hashes/],
  ])('refuses %s', (_why, text, error) => {
    expect(() => parseHashes(text)).toThrow(error);
  });
});
