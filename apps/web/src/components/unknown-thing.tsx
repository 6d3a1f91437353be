import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { paths } from '@/config/paths';

/** The answer to a 404: what was not found, and a way back. */
export function UnknownThing({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      <p>{children}</p>
      <p>
        <Link to={paths.overview}>Back to the overview</Link>
      </p>
    </div>
  );
}
