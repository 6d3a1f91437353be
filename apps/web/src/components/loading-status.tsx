/** A polite, announced placeholder while data loads. */
export function LoadingStatus({ label }: { label: string }) {
  return (
    <p role="status" className="status">
      {label}
    </p>
  );
}
