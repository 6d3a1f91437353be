import { parseSizes } from './bench';

describe('parseSizes', () => {
  it('reads a comma-separated list of workspace sizes, each once', () => {
    expect(parseSizes('3,20,50')).toEqual([3, 20, 50]);
    expect(parseSizes(' 50 , 3,50')).toEqual([50, 3]);
  });

  it('refuses what is not a whole number of at least 3', () => {
    for (const bad of ['', '3,,20', '2', '3.5', '-3', 'ten', '3;20']) expect(() => parseSizes(bad), bad).toThrow(/--sizes takes whole numbers of at least 3/);
  });
});
