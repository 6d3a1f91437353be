export function TagList({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tags">
      {tags.map((tag) => (
        <li key={tag}>
          <code>{tag}</code>
        </li>
      ))}
    </ul>
  );
}
