import {
  formatAbsoluteTime,
  formatBytes,
  formatDuration,
  formatPercent,
  formatRelativeTime,
  formatShortDate,
  shortDigest,
  shortHash,
  shortSha,
} from './format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1536, '1.5 kB'],
    [12_345_678, '12.3 MB'],
    [123_456_789, '123 MB'],
    [999_960, '1.0 MB'],
    [1_500_000_000, '1.5 GB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('%d bytes → %j', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1234, '1.2 s'],
    [59_940, '59.9 s'],
    [59_960, '1 min'],
    [123_000, '2 min 3 s'],
    [3_599_400, '59 min 59 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [-5, '—'],
  ])('%d ms → %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');

  it.each([
    ['2026-11-24T10:00:00Z', 'just now'],
    ['2026-11-24T09:59:30Z', 'just now'],
    ['2026-11-24T09:59:00Z', '1 minute ago'],
    ['2026-11-24T09:57:00Z', '3 minutes ago'],
    ['2026-11-24T07:30:00Z', '2 hours ago'],
    ['2026-11-23T09:00:00Z', '1 day ago'],
    ['2026-11-10T10:00:00Z', '2 weeks ago'],
    ['2026-08-24T10:00:00Z', '3 months ago'],
    ['2024-11-24T10:00:00Z', '2 years ago'],
    ['2026-11-24T12:00:00Z', 'in 2 hours'],
    ['not a date', '—'],
  ])('%s → %j', (iso, expected) => {
    expect(formatRelativeTime(iso, now)).toBe(expected);
  });
});

describe('formatAbsoluteTime', () => {
  it.each([
    ['2026-11-24T10:00:00Z', '2026-11-24 10:00:00 UTC'],
    ['2026-11-24T11:30:05+01:00', '2026-11-24 10:30:05 UTC'],
    ['garbage', 'garbage'],
  ])('%s → %j', (iso, expected) => {
    expect(formatAbsoluteTime(iso)).toBe(expected);
  });
});

describe('short identifiers', () => {
  it.each([
    [`sha256:${'abcd1234'.repeat(8)}`, 'sha256:abcd1234…'],
    ['abcdef0123456789', 'abcdef01…'],
    ['sha256:abc', 'sha256:abc'],
  ])('shortDigest(%j) → %j', (digest, expected) => {
    expect(shortDigest(digest)).toBe(expected);
  });

  it.each([
    ['3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3', '3f2c1ab'],
    ['3f2c', '3f2c'],
  ])('shortSha(%j) → %j', (sha, expected) => {
    expect(shortSha(sha)).toBe(expected);
  });

  it.each([
    ['12345678901234567890', '1234567890…'],
    ['123abc', '123abc'],
  ])('shortHash(%j) → %j', (hash, expected) => {
    expect(shortHash(hash)).toBe(expected);
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.004, '<1%'],
    [0.423, '42%'],
    [1, '100%'],
    [1.234, '123%'],
    [-0.1, '—'],
    [Number.NaN, '—'],
  ])('%d → %j', (fraction, expected) => {
    expect(formatPercent(fraction)).toBe(expected);
  });
});

describe('formatShortDate', () => {
  it.each([
    ['2026-11-24T10:00:00Z', 'Nov 24'],
    ['2026-11-24T23:30:00-02:00', 'Nov 25'],
    ['garbage', '—'],
  ])('%s → %j', (iso, expected) => {
    expect(formatShortDate(iso)).toBe(expected);
  });
});
