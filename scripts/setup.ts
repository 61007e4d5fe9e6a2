/**
 * Prints the Google Cloud set-up a policy needs: `npm run setup -- [--policy PATH]
 * [--format gcloud|terraform|both]`. Exits 1 with the located problems when the policy is invalid.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ActionError, describe } from '../src/errors.ts';
import { DEFAULT_POLICY_PATH } from '../src/settings/load.ts';
import { FORMATS, generateSetup, isFormat } from '../src/setup/generate.ts';

const USAGE = `Usage: npm run setup -- [--policy PATH] [--format ${FORMATS.join('|')}]
  --policy  the policy file (default ${DEFAULT_POLICY_PATH})
  --format  gcloud commands, Terraform resources, or both (default both)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function main(): void {
  let values: { policy?: string | undefined; format?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: {
        policy: { type: 'string', default: DEFAULT_POLICY_PATH },
        format: { type: 'string', default: 'both' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${describe(error)}\n${USAGE}`);
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const format = values.format ?? 'both';
  if (!isFormat(format)) fail(`Unknown --format '${format}'.\n${USAGE}`);
  const file = values.policy ?? DEFAULT_POLICY_PATH;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(
      `Could not read the policy file ${file}: ${describe(error)}\nFix: pass the policy's path with --policy.`,
    );
  }
  try {
    process.stdout.write(generateSetup(text, file, format));
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    fail(`${error.message}${error.remedy === undefined ? '' : `\nFix: ${error.remedy}`}`);
  }
}

main();
