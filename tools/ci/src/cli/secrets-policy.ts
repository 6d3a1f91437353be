// secrets-policy: checks .github/workflows/*.yml against the write-secret policy
// (tools/ci/src/policy): write secrets only in jobs that name the protected
// environment and run only for pushes to main; no secrets for pull-request code.
//   node -r @swc-node/register tools/ci/src/cli/secrets-policy.ts [DIR]
import { join } from 'node:path';
import { checkWorkflows, formatFinding } from '../policy/secrets-policy';

const dir = process.argv[2] ?? join(process.cwd(), '.github/workflows');
const findings = checkWorkflows(dir);
for (const f of findings) console.error(`secrets-policy: ${formatFinding(f)}`);
if (findings.length > 0) {
  console.error(`secrets-policy: ${findings.length} finding${findings.length > 1 ? 's' : ''}; the policy is in docs/ci.md ("Secrets")`);
  process.exit(1);
}
console.log(`secrets-policy: ${dir} passes (write secrets only in the protected environment, on pushes to main)`);
