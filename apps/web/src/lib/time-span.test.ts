import { timeSpanMs } from './time-span';

describe('timeSpanMs', () => {
  it.each([
    ['2026-11-24T10:00:00Z', '2026-11-24T10:02:03Z', 123_000],
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00Z', 0],
    ['2026-11-24T10:00:00Z', '2026-11-24T09:00:00Z', null],
    ['garbage', '2026-11-24T10:00:00Z', null],
  ])('%s → %s is %j ms', (start, end, expected) => {
    expect(timeSpanMs(start, end)).toBe(expected);
  });
});
