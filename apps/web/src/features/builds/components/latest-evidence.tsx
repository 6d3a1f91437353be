import { useCallback } from 'react';
import { listImageBuilds } from '@/features/builds/api/builds-api';
import { useAsync } from '@/lib/use-async';
import { SupplyChain } from './supply-chain';

/**
 * The supply-chain evidence of an image's latest build (whatever the history's filter):
 * signed or unsigned, and how many packages its SBOM lists. Says nothing while loading or
 * when the read fails; the build history below reports errors.
 */
export function LatestEvidence({ image }: { image: string }) {
  const load = useCallback((signal: AbortSignal) => listImageBuilds(image, { limit: 1, signal }), [image]);
  const { state } = useAsync(load);
  const latest = state.status === 'success' ? state.data.builds[0] : undefined;
  if (!latest) return null;
  return (
    <p className="latest-evidence" aria-label="Latest build's supply chain">
      <span className="muted">Latest build:</span> <SupplyChain build={latest} />
    </p>
  );
}
