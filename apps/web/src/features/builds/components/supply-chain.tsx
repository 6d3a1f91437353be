import type { Build } from '@slipway/api-contract';
import { ShortId } from '@/components/short-id';
import { shortDigest } from '@/lib/format';

type Evidence = Pick<Build, 'sbomDigest' | 'sbomPackages' | 'signed'>;

/** Whether a build's digest is signed: a badge, or nothing when the build did not say. */
export function SignatureBadge({ signed }: { signed: Build['signed'] }) {
  if (signed === undefined || signed === null) return null;
  return signed ? (
    <span className="badge badge--signed" title="Signed: the digest carries a signature by the release key">
      signed
    </span>
  ) : (
    <span className="badge badge--unsigned" title="Unsigned: the digest carries no signature (or one that failed its check)">
      unsigned
    </span>
  );
}

/** "87 packages" and the SBOM's digest, shortened (in full on hover). */
export function SbomSummary({ sbomDigest, sbomPackages }: Omit<Evidence, 'signed'>) {
  if (!sbomDigest) return <span className="muted">no SBOM</span>;
  return (
    <span className="sbom">
      {typeof sbomPackages === 'number' && (
        <span>{`${sbomPackages.toLocaleString('en-US')} ${sbomPackages === 1 ? 'package' : 'packages'}`}</span>
      )}{' '}
      <span className="muted">SBOM</span> <ShortId full={sbomDigest} short={shortDigest(sbomDigest)} />
    </span>
  );
}

/** A build's supply-chain evidence: signature badge and SBOM, or that none was reported. */
export function SupplyChain({ build }: { build: Evidence }) {
  const reported = (build.signed !== undefined && build.signed !== null) || !!build.sbomDigest;
  if (!reported) return <span className="muted">not reported</span>;
  return (
    <span className="supply-chain">
      <SignatureBadge signed={build.signed} /> <SbomSummary sbomDigest={build.sbomDigest} sbomPackages={build.sbomPackages} />
    </span>
  );
}
