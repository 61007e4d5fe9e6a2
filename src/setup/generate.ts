/** Policy text → set-up text in the chosen format(s): what `scripts/setup.ts` prints (pure). */
import { parsePolicy } from '../settings/policy.ts';
import { buildSetup } from './build-setup.ts';
import { renderGcloud } from './render-gcloud.ts';
import { renderTerraform } from './render-terraform.ts';

export const FORMATS = ['gcloud', 'terraform', 'both'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** Throws the policy's located `ActionError`s (a `SettingsError`) as the action would. */
export function generateSetup(policyText: string, file: string, format: Format): string {
  const setup = buildSetup(parsePolicy(policyText, file));
  if (format === 'gcloud') return renderGcloud(setup);
  if (format === 'terraform') return renderTerraform(setup);
  return [
    '# ===== gcloud (save as setup.sh) =====',
    renderGcloud(setup),
    '# ===== Terraform (save as setup.tf) =====',
    renderTerraform(setup),
  ].join('\n');
}
