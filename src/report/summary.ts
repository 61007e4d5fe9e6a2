/** The job summary: identity, permission check, plan, results. Pure: record in, Markdown out. */

import type { Finding, PreflightResult } from '../permissions/evaluate.ts';
import { shortName } from '../plan/resource-names.ts';
import type { FieldChange, Plan, TargetPlan } from '../plan/types.ts';
import type { Release } from '../settings/types.ts';
import { code, details, table } from './markdown.ts';
import type { RunRecord, TargetResult } from './types.ts';

const STATE_LABEL: Readonly<Record<Finding['state'], string>> = {
  held: '✅ held',
  missing: '❌ missing',
  excess: '⚠️ excess',
  forbidden: '⛔ forbidden for planning',
};

const STATUS_LABEL: Readonly<Record<TargetResult['status'], string>> = {
  deployed: '✅ deployed',
  unchanged: '✅ unchanged',
  planned: '📝 planned',
  failed: '❌ failed',
};

export function renderSummary(record: RunRecord): string {
  const title = record.mode === 'plan' ? 'Cloud Run deploy plan' : 'Cloud Run deploy';
  const parts = [`## ${title}`];
  if (record.error !== undefined) {
    parts.push(
      `> [!CAUTION]\n> ${quote(record.error.message)}${record.error.remedy ? `\n>\n> ${quote(record.error.remedy)}` : ''}`,
    );
  }
  parts.push(overview(record));
  if (record.preflight !== undefined) parts.push(permissions(record.preflight));
  if (record.results.length > 0) parts.push(results(record.results));
  if (record.plan !== undefined) parts.push(planSection(record.plan));
  if (record.timings.length > 0) {
    parts.push(
      details(
        'Timings',
        table(
          ['Phase', 'Time'],
          record.timings.map((t) => [t.phase, `${Math.round(t.ms)} ms`]),
        ),
      ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

function quote(text: string): string {
  return text.replace(/\r?\n/g, '\n> ');
}

function overview(record: RunRecord): string {
  const rows: string[][] = [];
  rows.push(['Mode', record.mode ?? 'unknown (settings not read)']);
  rows.push([
    'Policy',
    record.policyFile === undefined ? 'none: inputs only, invokers unmanaged' : code(record.policyFile),
  ]);
  if (record.release !== undefined) rows.push(['Release', describeRelease(record.release)]);
  if (record.image !== undefined) {
    rows.push([
      'Image',
      `${code(record.image)} ${record.imagePinned ? '(pinned by digest)' : '(tag, not pinned by digest)'}`,
    ]);
  }
  if (record.identity !== undefined) {
    rows.push(['Deployer', code(record.identity.serviceAccount)]);
    rows.push(['Provider', code(record.identity.provider)]);
    rows.push(['Token lifetime', `${record.identity.lifetimeSeconds} s`]);
  }
  if (record.claimCheck !== undefined) rows.push(['Claim check', record.claimCheck]);
  return table(['', ''], rows);
}

function describeRelease(release: Release): string {
  switch (release.kind) {
    case 'promote': {
      const to = release.to;
      const where =
        'tag' in to
          ? `tag ${code(to.tag)}`
          : 'revision' in to
            ? code(to.revision)
            : 'the revision this workflow run deployed';
      return `promote: all traffic to ${where}, no deploy`;
    }
    case 'rollback':
      return `rollback: all traffic to ${'revision' in release.to ? code(release.to.revision) : 'the revision that served before the last release'}, no deploy`;
    case 'deploy':
      return release.traffic === 'none'
        ? `deploy without traffic, tag ${code(release.tag ?? '')}`
        : `deploy with traffic${release.tag === undefined ? '' : `, tag ${code(release.tag)}`}`;
  }
}

function permissions(result: PreflightResult): string {
  const counts = { held: 0, missing: 0, excess: 0, forbidden: 0 };
  for (const finding of result.findings) counts[finding.state]++;
  const rows = result.findings.map((finding) => [
    code(finding.permission),
    `${finding.resource.kind} ${code(finding.resource.name)}`,
    STATE_LABEL[finding.state],
    finding.reasons.join('; '),
    finding.roles.slice(0, 2).map(code).join(', '),
  ]);
  const envelope =
    result.envelope.roles.length === 0 ? 'none declared' : result.envelope.roles.map(code).join(', ');
  const headline = `### Permission check of ${code(result.identity)}\n\nRequired and held: ${counts.held}, missing: ${counts.missing}, excess: ${counts.excess}${counts.forbidden > 0 ? `, forbidden: ${counts.forbidden}` : ''}. Envelope: ${envelope}; excess permissions: ${result.excessMode}.`;
  return `${headline}\n\n${table(['Permission', 'Checked on', 'State', 'Why', 'Granted by'], rows)}`;
}

function results(list: readonly TargetResult[]): string {
  const rows = list.map((result) => [
    `${result.target.service} (${result.target.region})`,
    STATUS_LABEL[result.status],
    result.outcome?.revision === undefined ? '' : code(shortName(result.outcome.revision)),
    result.traffic ?? '',
    [result.url, result.tagUrl === undefined ? undefined : `tag: ${result.tagUrl}`]
      .filter((url) => url !== undefined)
      .join('<br>'),
    result.error ?? '',
  ]);
  return `### Result\n\n${table(['Service', 'Status', 'Revision', 'Traffic', 'URL', 'Error'], rows)}`;
}

function planSection(plan: Plan): string {
  return ['### Plan', ...plan.targets.map(targetPlan)].join('\n\n');
}

function targetPlan(target: TargetPlan): string {
  const heading = `#### ${target.target.service} (${target.target.region}): ${target.action}`;
  const lines = [heading];
  lines.push(
    target.changes.length === 0
      ? 'No change to the service.'
      : table(['Field', 'Before', 'After'], target.changes.map(changeRow)),
  );
  lines.push(invokers(target));
  return lines.join('\n\n');
}

function changeRow(change: FieldChange): string[] {
  return [
    code(change.path),
    change.before === undefined ? '—' : change.before,
    change.after === undefined ? '—' : change.after,
  ];
}

function invokers(target: TargetPlan): string {
  const plan = target.invokers;
  if (!plan.managed) return 'Invokers: not managed (no `invokers` list in the policy).';
  const rows = [
    ...plan.add.map((member) => [code(member), '➕ add']),
    ...plan.remove.map((member) => [code(member), '➖ remove (drift: not in the policy)']),
    ...plan.keep.map((member) => [code(member), 'kept']),
  ];
  if (rows.length === 0) return 'Invokers (`roles/run.invoker`): none declared, none bound.';
  return `Invokers (\`roles/run.invoker\`, authoritative):\n\n${table(['Member', 'Change'], rows)}`;
}
