import { render, screen } from '@testing-library/react';
import { SizeBudget } from './size-budget';

describe('SizeBudget', () => {
  it('shows the size as a share of the budget, with a bar that long', () => {
    const { container } = render(<SizeBudget sizeBytes={2_500_000} budgetBytes={5_000_000} />);

    expect(screen.getByText('2.5 MB')).toBeInTheDocument();
    expect(screen.getByText('50% of 5.0 MB')).toBeInTheDocument();
    expect(screen.queryByText(/over budget/)).not.toBeInTheDocument();
    expect(container.querySelector('.size-budget__bar > span')).toHaveStyle({ width: '50%' });
  });

  it('flags a size over budget and caps the bar at full', () => {
    const { container } = render(<SizeBudget sizeBytes={6_000_000} budgetBytes={5_000_000} />);

    expect(screen.getByText('120% of 5.0 MB')).toBeInTheDocument();
    expect(screen.getByText(/over budget/)).toBeInTheDocument();
    expect(container.firstChild).toHaveClass('size-budget--over');
    expect(container.querySelector('.size-budget__bar > span')).toHaveStyle({ width: '100%' });
  });

  it.each([null, undefined])('says there is no budget when it is %j', (budget) => {
    const { container } = render(<SizeBudget sizeBytes={12_345_678} budgetBytes={budget} />);

    expect(screen.getByText('12.3 MB')).toBeInTheDocument();
    expect(screen.getByText('no budget')).toBeInTheDocument();
    expect(container.querySelector('.size-budget__bar')).toBeNull();
  });
});
