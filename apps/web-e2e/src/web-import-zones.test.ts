import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import zones of apps/web/eslint.config.mjs, through ESLint itself with the web project's
// config, as `nx run web:lint` runs it (from apps/web). It lives here, not in web: a test of web
// importing ESLint would make ESLint's packages a dependency of web in the project graph, and
// Nx would hash them into web's docker-build.
const eslint = new ESLint({
  cwd: join(import.meta.dirname, '../../web'),
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax',
});

async function zoneErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(`ESLint could not lint ${filePath}: ${fatal[0]?.message}`);
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import zones', () => {
  it.each([
    ['src/features/images/api/images-api.ts', "import { isBuild } from '@/features/builds/api/builds-api';"],
    ['src/features/images/components/x.tsx', "import { BuildHistory } from '@/features/builds/components/build-history';"],
    ['src/features/runs/api/runs-api.test.ts', "import type { Build } from '@/features/builds/api/builds-api';"],
    ['src/features/runs/api/index.ts', "export { listImages } from '@/features/images/api/images-api';"],
  ])('a feature may not import another feature: %s', async (file, code) => {
    const errors = await zoneErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no-restricted-imports: .*Features are independent/);
  });

  it('a feature may not load another feature with import()', async () => {
    const errors = await zoneErrors(
      'src/features/images/components/size-history.tsx',
      "export const load = () => import('@/features/runs/api/runs-api');",
    );
    expect(errors).toEqual([expect.stringMatching(/^no-restricted-syntax: .*Features are independent/)]);
  });

  it.each([
    ['src/features/builds/components/builds-table.tsx', "import { paths } from '@/app/paths';", /Only app/],
    ['src/lib/format.ts', "import { listImages } from '@/features/images/api/images-api';", /never import a feature/],
    ['src/components/x.tsx', "import { App } from '@/app/app';", /Only app/],
    ['src/config/paths.ts', "import { useBuildHistory } from '@/features/builds/api/use-build-history';", /never import a feature/],
    ['src/testing/fixtures.ts', "import { listRuns } from '@/features/runs/api/runs-api';", /never import a feature/],
    ['src/features/runs/components/x.tsx', "import { useNow } from '../../../lib/use-now';", /through @\//],
    ['src/app/routes/x.tsx', "import { paths } from '../../config/paths';", /through @\//],
    ['src/features/runs/api/runs-api.ts', "import { makeRun } from '@/testing/fixtures';", /Only tests import/],
  ])('%s: %s is refused', async (file, code, message) => {
    const errors = await zoneErrors(file, code);
    expect(errors).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['src/features/builds/components/build-history.tsx', "import { useBuildHistory } from '@/features/builds/api/use-build-history';"],
    ['src/features/images/api/images-api.ts', "import { isBuild } from '@/lib/build';"],
    ['src/features/runs/components/runs-table.tsx', "import { paths } from '@/config/paths';"],
    ['src/features/runs/components/runs-table.tsx', "import { ShortId } from '@/components/short-id';"],
    ['src/features/images/components/size-history.tsx', "export const load = () => import('./size-chart');"],
    ['src/features/runs/api/runs-api.test.ts', "import { makeRun } from '@/testing/fixtures';"],
    ['src/app/routes/image-page.tsx', "import { BuildHistory } from '@/features/builds/components/build-history';"],
    ['src/app/routes/image-page.tsx', "export const load = () => import('@/features/images/components/size-chart');"],
    ['src/main.tsx', "import { App } from '@/app/app';"],
    ['src/components/error-alert.tsx', "import { errorMessage } from '@/lib/api-client';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await zoneErrors(file, code)).toEqual([]);
  });
});
