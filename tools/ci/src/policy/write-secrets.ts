/**
 * The GitHub environment that holds every write secret. Its deployment branch
 * rule admits only `main` (docs/ci.md, "Turning it on"), so a job of a pull
 * request that names it is refused by GitHub, whatever the workflow file says.
 */
export const PROTECTED_ENVIRONMENT = 'release';

/**
 * Secrets that can change what main trusts: the Nx cache, the release
 * namespace of the registry, the ledger, image signatures. They live in the
 * protected environment only; no repository-level copy may exist.
 */
export const WRITE_SECRETS = [
  // Writes entries that later main runs restore without rebuilding.
  'NX_CACHE_WRITE_TOKEN',
  // Pushes and moves tags in the release namespace (main, commit tags, releases).
  'REGISTRY_PASSWORD',
  // Records builds in the ledger as main's.
  'LEDGER_TOKEN',
  // Signs images and their attestations.
  'IMAGE_SIGNING_KEY',
  'IMAGE_SIGNING_PASSWORD',
] as const;
