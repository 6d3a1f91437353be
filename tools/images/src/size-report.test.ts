import { formatReport, parseSize, sizeReport } from './size-report';

describe('parseSize', () => {
  it.each([
    ['5MB', 5_000_000],
    ['20 MB', 20_000_000],
    ['512KiB', 524_288],
    ['1000', 1000],
    ['1.5GB', 1_500_000_000],
  ])('%s is %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it('refuses what is not a size', () => expect(() => parseSize('five')).toThrow(/not a size/));
});

describe('sizeReport', () => {
  const base = { project: 'api', image: 'slipway-api', base: 'alpine:3.22.1', baseIsStandIn: true, baseBytes: 5_000_000, now: new Date(0) };

  it('measures what the image adds over its base against the budget, and the single-stage reduction', () => {
    const r = sizeReport({ ...base, totalBytes: 20_000_000, budgetAddedBytes: 20_000_000, singleStageBytes: 200_000_000 });
    expect(r.addedBytes).toBe(15_000_000);
    expect(r.withinBudget).toBe(true);
    expect(r.singleStage).toEqual({ totalBytes: 200_000_000, reductionPercent: 90 });
    expect(formatReport(r)).toMatch(/added over base\s+budget 20.0 MB ok\s+15.0 MB/);
    expect(formatReport(r)).toContain('offline stand-in');
  });

  it('flags an image over its budget', () => {
    const r = sizeReport({ ...base, totalBytes: 26_000_000, budgetAddedBytes: 20_000_000 });
    expect(r.withinBudget).toBe(false);
    expect(formatReport(r)).toContain('EXCEEDED');
  });
});
