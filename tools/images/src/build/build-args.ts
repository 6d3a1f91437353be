/**
 * The build arguments of an image: VERSION and REVISION from the commit (`dev` and `unknown`
 * outside a checkout), SOURCE_DATE_EPOCH=0, SOURCE from IMAGE_SOURCE_URL, then the target's
 * own `KEY=VALUE` pairs. docker-build builds with them and docker-publish's provenance states them.
 */
export function imageBuildArgs(pairs: string[], gitSha: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const buildArgs: Record<string, string> = {
    VERSION: /^[0-9a-f]{40}$/.test(gitSha) ? gitSha.slice(0, 7) : 'dev',
    REVISION: gitSha,
    // A fixed epoch, not the commit time: BuildKit hands SOURCE_DATE_EPOCH to every RUN,
    // so a per-commit value would invalidate the dependency layers on every commit. With 0,
    // the same inputs give the same digest on any machine.
    SOURCE_DATE_EPOCH: '0',
  };
  if (env['IMAGE_SOURCE_URL']) buildArgs['SOURCE'] = env['IMAGE_SOURCE_URL'];
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 1) throw new Error(`--build-arg "${pair}" is not KEY=VALUE`);
    buildArgs[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return buildArgs;
}
