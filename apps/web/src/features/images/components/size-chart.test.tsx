import type { SizePoint } from '@slipway/api-contract';
import { render, waitFor } from '@testing-library/react';
import { makeSizePoint } from '@/testing/fixtures';
import { SizeChart } from './size-chart';

// Recharts draws dots and ticks in a second pass, in their own layers; dots carry the line's name.
const SIZE_DOTS = 'svg circle.recharts-line-dot[name="Size"]';

async function renderChart(points: SizePoint[]) {
  const { container } = render(<SizeChart points={points} width={600} height={260} />);
  await waitFor(() => expect(container.querySelector(SIZE_DOTS)).not.toBeNull());
  return container;
}

describe('SizeChart', () => {
  it('draws one dot per build and the budget as a dashed line', async () => {
    const container = await renderChart([
      makeSizePoint({ minutesAgo: 300, sizeBytes: 3_000_000 }),
      makeSizePoint({ minutesAgo: 200, sizeBytes: 4_000_000 }),
      makeSizePoint({ minutesAgo: 100, sizeBytes: 6_000_000 }),
    ]);

    expect(container.querySelectorAll(SIZE_DOTS)).toHaveLength(3);
    const budget = container.querySelector('svg .budget-line path');
    expect(budget).not.toBeNull();
    expect(budget).toHaveAttribute('stroke-dasharray', '6 4');
    const legend = container.querySelector('.recharts-legend-wrapper');
    expect(legend).toHaveTextContent('Size');
    expect(legend).toHaveTextContent('Budget');
  });

  it('leaves out the budget line when no build had a budget', async () => {
    const container = await renderChart([
      makeSizePoint({ minutesAgo: 20, budgetBytes: null }),
      makeSizePoint({ minutesAgo: 10, budgetBytes: null }),
    ]);

    expect(container.querySelectorAll(SIZE_DOTS)).toHaveLength(2);
    expect(container.querySelector('svg .budget-line')).toBeNull();
  });

  it('labels the size axis in MB', async () => {
    const container = await renderChart([makeSizePoint({ sizeBytes: 4_000_000, budgetBytes: 5_000_000 })]);

    const ticks = () =>
      [...container.querySelectorAll('text.recharts-cartesian-axis-tick-value[orientation="left"]')].map(
        (tick) => tick.textContent,
      );
    await waitFor(() => expect(ticks()).toContain('0 B'));
    expect(ticks().filter((text) => / MB$/.test(text ?? '')).length).toBeGreaterThan(1);
  });
});
