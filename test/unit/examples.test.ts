/**
 * Every example workflow is one a user can copy: its YAML parses, each step of this action uses
 * only inputs that action.yml declares, with values the action's own settings loader accepts
 * together with the policy file they name (for every matrix combination), each such job may
 * request an OIDC token, the policy's `deployer.allow` admits the claims of every event that
 * triggers the workflow, and third-party actions are pinned by full commit SHA.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe as describeError } from '../../src/errors.ts';
import { checkClaims } from '../../src/identity/claims.ts';
import { inputVariable } from '../../src/settings/inputs.ts';
import { loadSettings, readPolicyFile } from '../../src/settings/load.ts';
import type { Settings } from '../../src/settings/types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = join(ROOT, 'examples/workflows');
const THIS_ACTION = /^(?:\.\/?|[\w.-]+\/cloud-run-keyless-deploy@\S+)$/;
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asTree = (value: unknown): Tree => (isTree(value) ? value : {});
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const actionInputs = asTree(asTree(parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))).inputs);

/** Replaces `${{ … }}` with a value such an expression has at run time, or says it has no rule. */
function substitute(text: string, workflow: Tree, matrix: Tree): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const fromMatrix = /^matrix\.([\w-]+)$/.exec(expression);
    if (fromMatrix?.[1] !== undefined && fromMatrix[1] in matrix) return String(matrix[fromMatrix[1]]);
    // A job output is whatever its own expression gives.
    const fromNeeds = /^needs\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (fromNeeds?.[1] !== undefined && fromNeeds[2] !== undefined) {
      const outputs = asTree(asTree(asTree(workflow.jobs)[fromNeeds[1]]).outputs);
      const value = outputs[fromNeeds[2]];
      if (typeof value === 'string') return substitute(value, workflow, matrix);
    }
    // docker/build-push-action's `digest` output is `sha256:<64 hex>`.
    if (/^steps\.[\w-]+\.outputs\.digest$/.test(expression)) return DIGEST;
    if (expression === 'github.sha') return 'f'.repeat(40);
    if (expression === 'github.event.number') return '12';
    // A workflow_dispatch input is what the form offers: its default.
    const fromInputs = /^inputs\.([\w-]+)$/.exec(expression);
    if (fromInputs?.[1] !== undefined) {
      const dispatch = asTree(asTree(workflow.on).workflow_dispatch);
      const fallback = asTree(asTree(dispatch.inputs)[fromInputs[1]]).default;
      if (typeof fallback === 'string') return fallback;
    }
    throw new Error(`no plausible value for \${{ ${expression} }}: add a rule to substitute()`);
  });
}

/** Every combination of a job's matrix (one empty combination without a matrix). */
function combinations(job: Tree): Tree[] {
  const matrix = asTree(asTree(job.strategy).matrix);
  return Object.entries(matrix)
    .filter(([key]) => key !== 'include' && key !== 'exclude')
    .reduce<Tree[]>(
      (done, [key, values]) =>
        done.flatMap((combo) => asList(values).map((value) => ({ ...combo, [key]: value }))),
      [{}],
    );
}

/** The triggering events of a workflow, whatever form `on:` takes. */
function triggers(workflow: Tree): [string, Tree][] {
  const on = workflow.on;
  if (typeof on === 'string') return [[on, {}]];
  if (Array.isArray(on)) return on.map((event) => [String(event), {}]);
  return Object.entries(asTree(on)).map(([event, filter]) => [event, asTree(filter)]);
}

/** The `ref` claim of a run of `event` (a wildcard in a filter stands for one matching name). */
function refsOf(event: string, filter: Tree): string[] {
  const names = (key: string, prefix: string, fill: string) =>
    asList(filter[key]).map((pattern) => `${prefix}${String(pattern).replace(/\*+/g, fill)}`);
  switch (event) {
    case 'push': {
      const refs = [...names('branches', 'refs/heads/', 'x'), ...names('tags', 'refs/tags/', '1.0.0')];
      return refs.length > 0 ? refs : ['refs/heads/main'];
    }
    case 'pull_request':
      return ['refs/pull/1/merge'];
    case 'release':
      return ['refs/tags/v1.0.0'];
    case 'workflow_dispatch':
    case 'pull_request_target':
      return ['refs/heads/main'];
    default:
      throw new Error(`no ref rule for the ${event} event: add one to refsOf()`);
  }
}

function grantsIdToken(workflow: Tree, job: Tree): boolean {
  const permissions = job.permissions ?? workflow.permissions;
  return permissions === 'write-all' || asTree(permissions)['id-token'] === 'write';
}

/** What is wrong with one workflow file, as readable lines (empty when it is fine). */
function problemsOf(text: string, file: string): string[] {
  const problems: string[] = [];
  const workflow = asTree(parse(text));
  const jobs = Object.entries(asTree(workflow.jobs));
  if (jobs.length === 0) problems.push(`${file}: no jobs`);
  for (const [jobName, jobValue] of jobs) {
    const job = asTree(jobValue);
    const where = `${file}: job ${jobName}`;
    for (const [index, stepValue] of asList(job.steps).entries()) {
      const step = asTree(stepValue);
      const uses = step.uses;
      if (typeof uses !== 'string') continue;
      if (!THIS_ACTION.test(uses)) {
        if (!PINNED.test(uses)) problems.push(`${where}: ${uses} is not pinned by a full commit SHA`);
        continue;
      }
      const at = `${where}, step ${index + 1}`;
      if (!grantsIdToken(workflow, job)) problems.push(`${where}: no \`permissions: id-token: write\``);
      const inputs = asTree(step.with);
      for (const name of Object.keys(inputs)) {
        if (!(name in actionInputs)) problems.push(`${at}: input ${name} is not declared in action.yml`);
      }
      for (const [name, declared] of Object.entries(actionInputs)) {
        if (asTree(declared).required === true && !(name in inputs))
          problems.push(`${at}: required input ${name} missing`);
      }
      for (const matrix of combinations(job)) {
        const env: Record<string, string> = {};
        for (const [name, value] of Object.entries(inputs)) {
          env[inputVariable(name)] = substitute(String(value), workflow, matrix);
        }
        try {
          const settings = loadSettings(env, readPolicyFile, ROOT);
          // The action checks a plan against plan_allow when the planner plans it.
          const plans = settings.mode === 'plan' && settings.deployer.planServiceAccount !== undefined;
          const planRules = plans ? settings.deployer.planAllow : undefined;
          const allow = planRules ?? settings.deployer.allow;
          if (allow === undefined) continue;
          const environment = isTree(job.environment) ? job.environment.name : job.environment;
          for (const [event, filter] of triggers(workflow)) {
            for (const ref of refsOf(event, filter)) {
              const claims = {
                repository: allow.repositories[0],
                ref,
                event_name: event,
                ...(typeof environment === 'string' ? { environment } : {}),
              };
              checkClaims(
                claims,
                allow,
                settings.policyFile ?? 'the inputs',
                planRules === undefined ? 'deployer.allow' : 'deployer.plan_allow',
              );
            }
          }
        } catch (error) {
          problems.push(`${at} ${JSON.stringify(matrix)}: ${describeError(error)}`);
        }
      }
    }
  }
  return problems;
}

const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.yml'));

/** The settings each step of this action loads, by job (first matrix combination). */
function settingsByJob(file: string): Record<string, Settings> {
  const workflow = asTree(parse(readFileSync(join(EXAMPLES, file), 'utf8')));
  const result: Record<string, Settings> = {};
  for (const [jobName, jobValue] of Object.entries(asTree(workflow.jobs))) {
    const job = asTree(jobValue);
    for (const stepValue of asList(job.steps)) {
      const step = asTree(stepValue);
      if (typeof step.uses !== 'string' || !THIS_ACTION.test(step.uses)) continue;
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(asTree(step.with))) {
        env[inputVariable(name)] = substitute(String(value), workflow, combinations(job)[0] ?? {});
      }
      result[jobName] = loadSettings(env, readPolicyFile, ROOT);
    }
  }
  return result;
}

describe('example workflows', () => {
  test('there is one for each documented use', () => {
    assert.deepEqual(files.sort(), [
      'canary-on-push.yml',
      'deploy-on-push.yml',
      'monorepo.yml',
      'multi-region.yml',
      'plan-on-pull-request.yml',
      'preview-pr.yml',
      'promote.yml',
      'release.yml',
      'rollback.yml',
    ]);
  });

  for (const file of files) {
    test(`${file} is valid for the action and its policy`, () => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      assert.ok(
        THIS_ACTION.test(/uses:\s*(\S+cloud-run-keyless-deploy@\S+)/.exec(text)?.[1] ?? ''),
        'uses the action',
      );
      assert.deepEqual(problemsOf(text, file), []);
    });
  }
});

describe('the release workflows do what they say', () => {
  test('preview-pr.yml: no traffic, tagged with the pull request number, no canary', () => {
    const { preview } = settingsByJob('preview-pr.yml');
    assert.deepEqual(preview?.release, {
      kind: 'deploy',
      traffic: 'none',
      tag: 'pr-12',
      firstDeploy: 'fail',
    });
    assert.equal(preview?.targets[0]?.service.canary, undefined);
  });

  test("canary-on-push.yml: the policy's canary, one input overriding it", () => {
    const { release } = settingsByJob('canary-on-push.yml');
    assert.deepEqual(release?.release, {
      kind: 'deploy',
      traffic: 'all',
      tag: 'canary',
      firstDeploy: 'serve',
    });
    assert.deepEqual(release?.targets[0]?.service.canary, {
      steps: [10, 50, 100],
      waitSeconds: 60,
      healthCheck: { path: '/healthz', requests: 10, successRatio: 0.9, timeoutSeconds: 3 },
    });
  });

  test('promote.yml: stage without traffic, then promote what this run deployed, with no image', () => {
    const { stage, promote } = settingsByJob('promote.yml');
    assert.deepEqual(stage?.release, {
      kind: 'deploy',
      traffic: 'none',
      tag: 'candidate',
      firstDeploy: 'fail',
    });
    assert.deepEqual(promote?.release, { kind: 'promote', to: { deployed: true } });
    assert.equal(promote?.image, undefined);
  });

  test("rollback.yml: the form's default rolls back to the previous revision", () => {
    const { rollback } = settingsByJob('rollback.yml');
    assert.deepEqual(rollback?.release, { kind: 'rollback', to: { previous: true } });
  });
});

describe('the example checker finds what would break a run', () => {
  const workflow = (jobExtra: string, withBlock: string, on = 'push:\n    branches: [main]') => `
on:
  ${on}
jobs:
  deploy:
    runs-on: ubuntu-latest
${jobExtra}
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          policy: examples/policies/hello.yml
${withBlock}
`;
  const OK_PERMS = '    permissions:\n      id-token: write';
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
  const IMAGE = '          image: us-docker.pkg.dev/demo-project/apps/hello@${{ steps.push.outputs.digest }}';

  test('an unpinned action, a missing permission, an unknown input, a foreign image', () => {
    const problems = problemsOf(
      workflow(
        '    permissions:\n      contents: read',
        '          image: us-docker.pkg.dev/demo-project/other/hello:1\n          colour: blue',
      ),
      'bad.yml',
    );
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems[0] ?? '', /actions\/checkout@v4 is not pinned/);
    assert.match(problems[1] ?? '', /no `permissions: id-token: write`/);
    assert.match(problems[2] ?? '', /input colour is not declared/);
    assert.match(problems[3] ?? '', /is not in the repository .* that the policy allows/);
  });

  test('release inputs the settings refuse together', () => {
    const problems = problemsOf(workflow(OK_PERMS, `${IMAGE}\n          promote_to: deployed`), 'p.yml');
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[1] ?? '', /promote_to moves traffic only; remove the image input/);
  });

  test('an event or ref the policy does not allow', () => {
    const problems = problemsOf(workflow(OK_PERMS, IMAGE, 'pull_request: {}'), 'pr.yml');
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0] ?? '', /pinned/);
    assert.match(problems[1] ?? '', /refs\/pull\/1\/merge|pull_request/);
  });

  test('a matrix value outside the policy, and an expression it cannot value', () => {
    const matrix = `${OK_PERMS}\n    strategy:\n      matrix:\n        region: [us-central1, asia-east1]`;
    const problems = problemsOf(
      workflow(matrix, `${IMAGE}\n          region: \${{ matrix.region }}`),
      'm.yml',
    );
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[1] ?? '', /"region":"asia-east1".*asia-east1/);
    assert.throws(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
      () => problemsOf(workflow(OK_PERMS, '          image: ${{ secrets.IMAGE }}'), 's.yml'),
      /no plausible value for \$\{\{ secrets\.IMAGE \}\}/,
    );
  });
});
