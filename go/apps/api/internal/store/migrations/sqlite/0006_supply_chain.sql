-- The supply-chain evidence docker-publish reports for a build: the digest
-- of the image's SBOM document, how many packages the SBOM lists,
-- and whether the image's digest is signed (1) or not (0). NULL: not
-- reported (every build recorded before this migration).
ALTER TABLE builds ADD COLUMN sbom_digest TEXT CHECK (sbom_digest GLOB 'sha256:*' AND length(sbom_digest) = 71);
ALTER TABLE builds ADD COLUMN sbom_packages INTEGER CHECK (sbom_packages >= 0);
ALTER TABLE builds ADD COLUMN signed INTEGER CHECK (signed IN (0, 1));
