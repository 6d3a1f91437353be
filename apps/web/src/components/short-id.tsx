/** An abbreviated identifier (digest, sha, hash) with the full value on hover and for copying. */
export function ShortId({ full, short }: { full: string; short: string }) {
  if (!full) return <span className="muted">—</span>;
  return (
    <code title={full} className="short-id">
      {short}
    </code>
  );
}
