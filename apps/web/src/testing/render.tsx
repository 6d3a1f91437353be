import { render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';

/** Renders a page inside a memory router, at `entry`. */
export function renderWithRouter(ui: ReactNode, entry = '/') {
  return render(<MemoryRouter initialEntries={[entry]}>{ui}</MemoryRouter>);
}

/** Queries within the table row that holds the link named `name` (an image, a run). */
export function rowOf(name: string) {
  const row = screen.getByRole('link', { name }).closest('tr');
  if (!row) throw new Error(`${name} is not in a table row`);
  return within(row);
}
