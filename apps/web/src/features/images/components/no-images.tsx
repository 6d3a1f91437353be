import { getEnv } from '@/lib/env';

/** The API's own address, as someone with a terminal would reach it. */
function apiOrigin(): string {
  return getEnv().apiBaseUrl || window.location.origin;
}

export function NoImages() {
  return (
    <div className="empty">
      <p className="empty__title">No builds recorded yet</p>
      <p className="muted">
        CI posts a record for every image it builds or reuses; to add one by hand:{' '}
        <code>curl --json @build.json {apiOrigin()}/api/v1/builds</code>
      </p>
    </div>
  );
}
