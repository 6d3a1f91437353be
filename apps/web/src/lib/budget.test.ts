import { budgetUsage, reuseShare } from './budget';

describe('budgetUsage', () => {
  it.each([
    [2_500_000, 5_000_000, { fraction: 0.5, over: false }],
    [5_000_000, 5_000_000, { fraction: 1, over: false }],
    [6_000_000, 5_000_000, { fraction: 1.2, over: true }],
    [0, 5_000_000, { fraction: 0, over: false }],
  ])('%d bytes against %d → %j', (size, budget, expected) => {
    expect(budgetUsage(size, budget)).toEqual(expected);
  });

  it.each([null, undefined, 0, -1, Number.NaN])('has no usage without a budget (%j)', (budget) => {
    expect(budgetUsage(1000, budget)).toBeNull();
  });

  it('has no usage for a size that is not a size', () => {
    expect(budgetUsage(-1, 1000)).toBeNull();
  });
});

describe('reuseShare', () => {
  it.each([
    [{ total: 4, reused: 3 }, 0.75],
    [{ total: 4, reused: 0 }, 0],
    [{ total: 2, reused: 2 }, 1],
    [{ total: 0, reused: 0 }, null],
  ])('%j → %j', (runs, expected) => {
    expect(reuseShare(runs)).toBe(expected);
  });
});
