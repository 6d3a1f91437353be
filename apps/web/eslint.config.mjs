import { readdirSync } from 'node:fs';
import reactHooks from 'eslint-plugin-react-hooks';
import baseConfig from '../../eslint.config.mjs';

// Import zones of src/, as in bulletproof-react: app → features → components, lib, config.
// A feature never imports another feature or app (what two features share moves down to
// components or lib); components, lib, config and testing import neither; only tests import
// testing (the image's `production` input leaves src/testing out). Imports across folders go
// through `@/` (src/), never `../`, so the zones need only read the `@/` path.
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const noClimbing = { regex: '^\\.\\./', message: 'Import from another folder of src through @/ (src/), not ../.' };
const noApp = { regex: '^@/app(/|$)', message: 'Only app (and main.tsx) may import app.' };
const noFeatures = {
  regex: '^@/features(/|$)',
  message: 'components, lib, config and testing never import a feature: move what they need down to them.',
};
const noOtherFeature = (feature) => ({
  regex: `^@/features/(?!${feature}(/|$))`,
  message: `Features are independent: ${feature} may not import another feature. Share through @/components or @/lib, or compose them in @/app.`,
});
const noTesting = { regex: '^@/testing(/|$)', message: 'Only tests import src/testing.' };

/** The same patterns for static imports and for import(), which no-restricted-imports does not see. */
function restrict(patterns) {
  return {
    'no-restricted-imports': ['error', { patterns }],
    'no-restricted-syntax': [
      'error',
      ...patterns.map(({ regex, message }) => ({
        selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`,
        message,
      })),
    ],
  };
}

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/test-setup.ts'];

/**
 * The rule for the folders `dirs` of src: `forbidden`, and src/testing outside their tests.
 * A later zone overrides an earlier one for the files of both (flat config), so `src` comes first.
 */
function zone(dirs, forbidden, { testSupport = false } = {}) {
  const files = dirs.map((dir) => `${dir}/**`);
  const tests = dirs.flatMap((dir) => TESTS.map((test) => `${dir}/${test}`));
  const always = [noClimbing, ...forbidden];
  if (testSupport) return [{ files, rules: restrict(always) }];
  return [
    { files, ignores: TESTS, rules: restrict([...always, noTesting]) },
    { files: tests, rules: restrict(always) },
  ];
}

export default [
  ...baseConfig,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  // app, main.tsx and test-setup.ts: anything in src.
  ...zone(['src'], []),
  ...features.flatMap((feature) => zone([`src/features/${feature}`], [noApp, noOtherFeature(feature)])),
  ...zone(['src/components', 'src/lib', 'src/config'], [noApp, noFeatures]),
  ...zone(['src/testing'], [noApp, noFeatures], { testSupport: true }),
];
