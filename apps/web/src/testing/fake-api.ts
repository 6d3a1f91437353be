// src/testing is not a test file by name, so the image's dependency set (web:docker-deps) sees
// its imports: it uses vitest only, never @testing-library, which would pull test packages in.
import type { Build, ImageSummary, Run, SizePoint } from '@slipway/api-contract';
import { apiErrorResponse, jsonResponse, stubFetch } from './fetch-stub';
import { runSummary } from './fixtures';

export interface FakeLedger {
  images?: ImageSummary[];
  /** Builds by image, newest first; answered in one page. */
  builds?: Record<string, Build[]>;
  /** Size points by image, oldest first. */
  sizes?: Record<string, SizePoint[]>;
  runs?: Run[];
}

/**
 * A fake of the ledger API's read endpoints over fixed data, for page tests: unknown images
 * and runs answer 404 as the API does, and `outcome` filters builds.
 */
export function stubLedgerApi(ledger: FakeLedger) {
  return stubFetch((raw) => {
    const url = new URL(raw, 'http://app.test');
    const path = url.pathname;
    if (path === '/api/v1/images') return jsonResponse({ images: ledger.images ?? [], nextCursor: null });
    if (path === '/api/v1/runs') return jsonResponse({ runs: (ledger.runs ?? []).map(runSummary), nextCursor: null });
    const image = /^\/api\/v1\/images\/([^/]+)\/(builds|sizes)$/.exec(path);
    if (image?.[1] && image[2]) {
      const name = decodeURIComponent(image[1]);
      const builds = ledger.builds?.[name];
      if (!builds) return apiErrorResponse(404, 'not_found', `No builds are recorded for image ${name}.`);
      if (image[2] === 'sizes') return jsonResponse({ image: name, points: ledger.sizes?.[name] ?? [] });
      const outcome = url.searchParams.get('outcome');
      return jsonResponse({ builds: builds.filter((b) => !outcome || b.outcome === outcome), nextCursor: null });
    }
    const run = /^\/api\/v1\/runs\/([^/]+)$/.exec(path);
    if (run?.[1]) {
      const found = ledger.runs?.find((r) => r.ciRunId === decodeURIComponent(run[1] ?? ''));
      return found ? jsonResponse(found) : apiErrorResponse(404, 'not_found', 'No such CI run.');
    }
    return apiErrorResponse(404, 'not_found', `unexpected ${raw}`);
  });
}
