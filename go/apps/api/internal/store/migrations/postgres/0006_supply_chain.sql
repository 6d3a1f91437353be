-- The supply-chain evidence docker-publish reports for a build; the
-- PostgreSQL twin of migrations/sqlite/0006_supply_chain.sql (which says
-- what each column holds). NULL: not reported.
ALTER TABLE builds ADD COLUMN sbom_digest TEXT CHECK (sbom_digest LIKE 'sha256:%' AND length(sbom_digest) = 71);
ALTER TABLE builds ADD COLUMN sbom_packages BIGINT CHECK (sbom_packages >= 0);
ALTER TABLE builds ADD COLUMN signed BOOLEAN;
