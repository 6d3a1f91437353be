import { errorMessage } from '@/lib/api-client';

interface ErrorAlertProps {
  title: string;
  error: unknown;
  onRetry?: () => void;
}

/** Shows what went wrong in the API's own words, with a way to try again. */
export function ErrorAlert({ title, error, onRetry }: ErrorAlertProps) {
  return (
    <div role="alert" className="alert">
      <p className="alert__title">{title}</p>
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
