import { render, screen } from '@testing-library/react';
import { SupplyChain } from './supply-chain';

const SBOM = `sha256:9d8c7b6a${'5'.repeat(56)}`;

describe('SupplyChain', () => {
  it('shows a signed build with its package count and the SBOM digest, in full on hover', () => {
    render(<SupplyChain build={{ signed: true, sbomPackages: 1287, sbomDigest: SBOM }} />);

    expect(screen.getByText('signed')).toHaveAttribute('title', expect.stringMatching(/^Signed/));
    expect(screen.getByText('1,287 packages')).toBeInTheDocument();
    expect(screen.getByTitle(SBOM)).toHaveTextContent(/^sha256:9d8c7b6a…$/);
    expect(screen.queryByText('unsigned')).not.toBeInTheDocument();
  });

  it('shows an unsigned build, and one package in the singular', () => {
    render(<SupplyChain build={{ signed: false, sbomPackages: 1, sbomDigest: SBOM }} />);

    expect(screen.getByText('unsigned')).toHaveClass('badge--unsigned');
    expect(screen.getByText('1 package')).toBeInTheDocument();
  });

  it('says so when a signed digest has no SBOM', () => {
    render(<SupplyChain build={{ signed: true }} />);

    expect(screen.getByText('signed')).toBeInTheDocument();
    expect(screen.getByText('no SBOM')).toBeInTheDocument();
  });

  it.each([{}, { signed: null, sbomDigest: null, sbomPackages: null }])(
    'says nothing was reported for a build recorded without evidence (%j)',
    (build) => {
      render(<SupplyChain build={build} />);

      expect(screen.getByText('not reported')).toBeInTheDocument();
      expect(screen.queryByText(/signed/)).not.toBeInTheDocument();
      expect(screen.queryByText(/package/)).not.toBeInTheDocument();
    },
  );
});
