import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { ActionError } from '../../src/errors.ts';
import type { PreflightResult } from '../../src/permissions/evaluate.ts';
import {
  enforcePreflight,
  type PreflightOptions,
  runPreflight,
  runPreflightAlongsideReads,
} from '../../src/permissions/preflight.ts';
import type { TargetFacts } from '../../src/permissions/required.ts';
import type { ExcessPermissionsMode } from '../../src/settings/types.ts';
import { DEPLOYER, type Harness, PLANNER, RUNTIME, startHarness } from './identity-harness.ts';

const PROJECT = 'projects/demo-project';
const SERVICE = 'projects/demo-project/locations/us-central1/services/hello';
const DEPLOYER_ROLE = 'projects/demo-project/roles/cloudRunDeployer';
const CUSTOM_ENVELOPE = [DEPLOYER_ROLE, 'roles/iam.serviceAccountUser'];
const PREDEFINED_ENVELOPE = ['roles/run.admin', 'roles/iam.serviceAccountUser'];

let h: Harness;
let savedPolicy: unknown;
before(async () => {
  h = await startHarness();
  savedPolicy = h.emulator.iam.peekPolicy(PROJECT);
});
after(async () => h.close());
afterEach(() => {
  h.emulator.iam.replacePolicy(PROJECT, savedPolicy);
  h.emulator.faults.clear();
  h.observed.logs.length = 0;
});

function grant(role: string, email: string): void {
  h.emulator.iam.editBindings(PROJECT, (bindings) => [
    ...bindings,
    { role, members: [`serviceAccount:${email}`] },
  ]);
}
function revoke(role: string): void {
  h.emulator.iam.editBindings(PROJECT, (bindings) => bindings.filter((binding) => binding.role !== role));
}

const newService: TargetFacts = {
  service: SERVICE,
  exists: false,
  runtimeServiceAccount: RUNTIME,
  managesInvokers: true,
  release: 'deploy',
  invokesAsDeployer: false,
};

async function preflight(
  over: Partial<Omit<PreflightOptions, 'authClient'>> & { account?: string; targets?: TargetFacts[] } = {},
): Promise<{ result: PreflightResult; warnings: string[] }> {
  const account = over.account ?? DEPLOYER;
  const credentials = await h.credentials({ serviceAccount: account });
  const warnings: string[] = [];
  const result = await runPreflight(
    {
      authClient: credentials.authClient,
      endpoints: h.endpoints,
      identity: account,
      tokenLifetimeSeconds: 600,
      tokenExpiresAt: credentials.expiresAt,
      input: {
        mode: 'deploy',
        project: { id: 'demo-project', number: '123456789012' },
        targets: over.targets ?? [newService],
        readsRevisions: true,
      },
      readOnlyAccount: false,
      allowedRoles: CUSTOM_ENVELOPE,
      excessMode: 'fail',
      ...over,
    },
    { retry: h.retry, warn: (message) => warnings.push(message) },
  );
  return { result, warnings };
}

function enforced(result: PreflightResult, warnings: string[] = []): ActionError | undefined {
  try {
    enforcePreflight(result, 'demo-project', (message) => warnings.push(message));
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ActionError);
    return error;
  }
}

const summary = (result: PreflightResult, state: string) =>
  result.findings
    .filter((f) => f.state === state)
    .map((f) => `${f.resource.kind} ${f.permission}`)
    .sort();

describe('permission preflight against the emulator', () => {
  test('the least-privilege deployer passes for a new service; an unreadable custom role skips the envelope check', async () => {
    const role = h.emulator.iam.roles.get(DEPLOYER_ROLE);
    assert.ok(role);
    h.emulator.iam.roles.setCustom({
      ...role,
      includedPermissions: role.includedPermissions.filter((permission) => permission !== 'iam.roles.get'),
    });
    try {
      const { result, warnings } = await preflight();
      assert.deepEqual(summary(result, 'missing'), []);
      assert.deepEqual(summary(result, 'held'), [
        'project run.operations.get',
        'project run.revisions.get',
        'project run.services.create',
        'project run.services.get',
        'project run.services.getIamPolicy',
        'project run.services.setIamPolicy',
        'service-account iam.serviceAccounts.actAs',
      ]);
      assert.equal(result.identity, DEPLOYER);
      assert.deepEqual(result.envelope.unexpanded, ['projects/demo-project/roles/cloudRunDeployer']);
      assert.match(
        warnings.join('\n'),
        /Could not read role projects\/demo-project\/roles\/cloudRunDeployer.*iam.roles.get/,
      );
      assert.equal(enforced(result), undefined);
      assert.deepEqual(h.leaked(warnings), []);
    } finally {
      h.emulator.iam.roles.setCustom(role);
    }
  });

  test('a custom role the deployer may read is expanded, and nothing is excess', async () => {
    grant('roles/iam.securityReviewer', DEPLOYER);
    const { result, warnings } = await preflight({
      allowedRoles: [...CUSTOM_ENVELOPE, 'roles/iam.securityReviewer'],
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(result.envelope.unexpanded, []);
    assert.deepEqual(summary(result, 'excess'), []);
    assert.equal(enforced(result), undefined);
  });

  test('an existing service: service-level checks through Cloud Run testIamPermissions', async () => {
    const token = h.emulator.mintAccessToken(DEPLOYER).token;
    const response = await fetch(
      `${h.endpoints.run}/v2/projects/demo-project/locations/us-central1/services?serviceId=hello`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          template: {
            serviceAccount: RUNTIME,
            containers: [{ image: 'us-docker.pkg.dev/demo-project/apps/hello:1' }],
          },
        }),
      },
    );
    assert.equal(response.status, 200, await response.clone().text());
    const { result } = await preflight({ targets: [{ ...newService, exists: true }] });
    assert.deepEqual(summary(result, 'missing'), []);
    assert.ok(summary(result, 'held').includes('service run.services.update'));
    assert.ok(
      h.emulator.log.entries().some((e) => e.api === 'run' && e.path === `/v2/${SERVICE}:testIamPermissions`),
    );
  });

  test('missing deploy permissions: one error with each permission, where, the smallest role and a custom role', async () => {
    revoke('projects/demo-project/roles/cloudRunDeployer');
    const { result } = await preflight();
    const error = enforced(result);
    assert.ok(error);
    assert.match(
      error.message,
      /deployer@demo-project.iam.gserviceaccount.com lacks 6 permissions this run needs/,
    );
    assert.match(
      error.message,
      /- run.services.create on project demo-project \(create hello in us-central1\); smallest predefined role: roles\/run.developer/,
    );
    assert.match(error.message, /- run.services.setIamPolicy on project demo-project .*roles\/run.admin/);
    assert.match(
      error.remedy ?? '',
      /gcloud iam roles create cloudRunDeployer --project=demo-project .*--permissions=run.operations.get,run.revisions.get,run.services.create,run.services.get,run.services.getIamPolicy,run.services.setIamPolicy,run.services.update/,
    );
  });

  test('missing actAs on the default compute service account', async () => {
    const { result } = await preflight({ targets: [{ ...newService, runtimeServiceAccount: undefined }] });
    const error = enforced(result);
    assert.ok(error);
    assert.match(
      error.message,
      /- iam.serviceAccounts.actAs on service account 123456789012-compute@developer.gserviceaccount.com \(run hello in us-central1 as 123456789012-compute@developer.gserviceaccount.com\); smallest predefined role: roles\/iam.serviceAccountUser/,
    );
    assert.match(
      error.remedy ?? '',
      /gcloud iam service-accounts add-iam-policy-binding 123456789012-compute@developer.gserviceaccount.com --member=serviceAccount:deployer@demo-project.iam.gserviceaccount.com --role=roles\/iam.serviceAccountUser/,
    );
  });

  const broad: ReadonlyArray<readonly [string, string[], RegExp]> = [
    [
      'roles/editor',
      [
        'project compute.instances.create',
        'project iam.serviceAccountKeys.create',
        'project iam.serviceAccounts.create',
        'project storage.buckets.delete',
      ],
      /compute.instances.create on project demo-project: lets it create virtual machines; indicates roles\/editor/,
    ],
    [
      'roles/owner',
      [
        'project compute.instances.create',
        'project iam.roles.create',
        'project iam.serviceAccountKeys.create',
        'project iam.serviceAccounts.create',
        'project resourcemanager.projects.delete',
        'project resourcemanager.projects.setIamPolicy',
        'project secretmanager.versions.access',
        'project storage.buckets.delete',
      ],
      /resourcemanager.projects.delete on project demo-project: lets it delete the project; indicates roles\/owner/,
    ],
  ];
  for (const [role, excess, line] of broad) {
    for (const mode of ['fail', 'warn'] as const satisfies readonly ExcessPermissionsMode[]) {
      test(`a deployer with ${role} (excess_permissions: ${mode})`, async () => {
        grant(role, DEPLOYER);
        const { result } = await preflight({ allowedRoles: PREDEFINED_ENVELOPE, excessMode: mode });
        assert.deepEqual(summary(result, 'excess'), excess);
        const warnings: string[] = [];
        const error = enforced(result, warnings);
        if (mode === 'fail') {
          assert.ok(error);
          assert.match(
            error.message,
            /holds permissions outside its envelope \(deployer.allowed_roles: roles\/run.admin, roles\/iam.serviceAccountUser\)/,
          );
          assert.match(error.message, line);
          assert.match(
            error.remedy ?? '',
            /gcloud projects remove-iam-policy-binding demo-project --member=serviceAccount:deployer@demo-project.iam.gserviceaccount.com --role=ROLE/,
          );
        } else {
          assert.equal(error, undefined);
          assert.match(warnings.join('\n'), line);
        }
      });
    }
  }

  test('excess_permissions: off tests no tell-tales', async () => {
    grant('roles/owner', DEPLOYER);
    const { result } = await preflight({ allowedRoles: PREDEFINED_ENVELOPE, excessMode: 'off' });
    assert.deepEqual(summary(result, 'excess'), []);
    const projectCall = h.emulator.log
      .entries()
      .filter((e) => e.api === 'cloudresourcemanager' && e.path.endsWith(':testIamPermissions'))
      .at(-1);
    assert.ok(!JSON.stringify(projectCall?.body).includes('resourcemanager.projects.delete'));
  });

  test('the read-only planner passes plan mode, and fails once it can change Cloud Run', async () => {
    const plan = {
      account: PLANNER,
      readOnlyAccount: true,
      input: {
        mode: 'plan' as const,
        project: { id: 'demo-project', number: '123456789012' },
        targets: [newService],
        readsRevisions: false,
      },
    };
    const ok = await preflight(plan);
    assert.deepEqual(summary(ok.result, 'missing'), []);
    assert.equal(enforced(ok.result), undefined);

    grant('roles/run.developer', PLANNER);
    const bad = await preflight(plan);
    const error = enforced(bad.result);
    assert.ok(error);
    assert.match(
      error.message,
      /planning account planner@demo-project.iam.gserviceaccount.com can change Cloud Run/,
    );
    assert.match(error.message, /run.services.update on project demo-project/);
    assert.match(error.remedy ?? '', /roles\/run.viewer/);
  });

  test('transient faults on testIamPermissions are survived; persistent ones fail with the last error', async () => {
    h.emulator.faults.add({ api: 'cloudresourcemanager', fault: { type: 'error', status: 503 }, times: 2 });
    h.emulator.faults.add({ api: 'iam', fault: { type: 'reset' }, times: 1 });
    const { result } = await preflight();
    assert.deepEqual(summary(result, 'missing'), []);
    assert.ok(
      h.observed.logs.some((line) =>
        /testIamPermissions on project demo-project failed \(attempt 1\)/.test(line),
      ),
    );

    h.emulator.faults.add({
      api: 'cloudresourcemanager',
      fault: { type: 'error', status: 429, retryAfterSeconds: 1 },
    });
    await assert.rejects(preflight(), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.match(
        error.message,
        /Could not test deployer@demo-project.iam.gserviceaccount.com's permissions on project demo-project/,
      );
      assert.match(error.remedy ?? '', /Re-run the job later/);
      return true;
    });
    assert.deepEqual(h.leaked(), []);
  });
});

describe('the preflight in the same round trip as the service reads', () => {
  const FRESH = 'projects/demo-project/locations/us-central1/services/fresh';
  const BUILT = 'projects/demo-project/locations/us-central1/services/built';

  async function createService(name: string): Promise<void> {
    const token = h.emulator.mintAccessToken(DEPLOYER).token;
    const response = await fetch(
      `${h.endpoints.run}/v2/projects/demo-project/locations/us-central1/services?serviceId=${name}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          template: {
            serviceAccount: RUNTIME,
            containers: [{ image: 'us-docker.pkg.dev/demo-project/apps/hello:1' }],
          },
        }),
      },
    );
    assert.equal(response.status, 200, await response.clone().text());
  }

  /**
   * Both services as targets; `existence` stands for the reads made alongside, `runtimeOf` for
   * the runtime account they found (`declared`: the account the settings name, if any).
   */
  async function alongside(
    existence: () => Promise<(service: string) => boolean>,
    runtimeOf: (service: string) => string | undefined = () => undefined,
    declared: string | undefined = RUNTIME,
  ): Promise<PreflightResult> {
    const credentials = await h.credentials({ serviceAccount: DEPLOYER });
    const targets = [FRESH, BUILT].map((service) => ({
      ...newService,
      service,
      runtimeServiceAccount: declared,
    }));
    return runPreflightAlongsideReads(
      {
        authClient: credentials.authClient,
        endpoints: h.endpoints,
        identity: DEPLOYER,
        tokenLifetimeSeconds: 600,
        tokenExpiresAt: credentials.expiresAt,
        projectId: 'demo-project',
        inputFor: (found) => ({
          mode: 'deploy',
          project: { id: 'demo-project', number: '123456789012' },
          targets: targets.map((target) => {
            const read = found(target.service);
            return {
              ...target,
              exists: read.exists,
              runtimeServiceAccount: target.runtimeServiceAccount ?? read.runtimeServiceAccount,
            };
          }),
          readsRevisions: true,
        }),
        found: existence().then((exists) => (service: string) => ({
          exists: exists(service),
          runtimeServiceAccount: runtimeOf(service),
        })),
        readOnlyAccount: false,
        allowedRoles: CUSTOM_ENVELOPE,
        excessMode: 'fail',
      },
      { retry: h.retry, warn: () => undefined },
    );
  }

  const checksOn = (service: string) =>
    h.emulator.log
      .entries()
      .filter((e) => e.api === 'run' && e.path === `/v2/${service}:testIamPermissions`)
      .map((e) => e.status);

  test('tests both cases at once, then evaluates with the existence the reads found', async () => {
    await createService('built');
    const result = await alongside(async () => (service) => service === BUILT);
    assert.deepEqual(summary(result, 'missing'), []);
    const held = summary(result, 'held');
    assert.ok(held.includes('project run.services.create'), held.join('\n'));
    assert.ok(held.includes('service run.services.update'), held.join('\n'));
    assert.ok(!held.includes('project run.services.update'), held.join('\n'));
    assert.equal(result.findings.find((f) => f.permission === 'run.services.update')?.resource.name, BUILT);
    assert.equal(enforced(result), undefined);
    // The missing service was checked too (before its absence was known) and answered 404.
    assert.deepEqual(checksOn(FRESH), [404]);
    assert.deepEqual(checksOn(BUILT), [200]);
  });

  test('a runtime account only the reads reveal is tested once they answer (a second round)', async () => {
    // `built` exists (the test above created it). The settings name no runtime account; the
    // read finds that `built` runs as RUNTIME: actAs is checked there, not on the default account.
    const before = h.emulator.log.entries().length;
    const result = await alongside(
      async () => (service) => service === BUILT,
      (service) => (service === BUILT ? RUNTIME : undefined),
      undefined,
    );
    const actAs = result.findings.filter((f) => f.permission === 'iam.serviceAccounts.actAs');
    assert.ok(
      actAs.some((f) => f.resource.name === RUNTIME && f.state === 'held'),
      JSON.stringify(actAs),
    );
    const runtimeChecks = h.emulator.log
      .entries()
      .slice(before)
      .filter((e) => e.api === 'iam' && e.path.includes(`/serviceAccounts/${RUNTIME}:testIamPermissions`));
    assert.equal(runtimeChecks.length, 1, 'tested once, after the reads');
  });

  test('a service check that failed counts when the service exists', async () => {
    // The reads say `fresh` exists (it was created after the check): its failed check decides.
    await assert.rejects(
      alongside(async () => () => true),
      (error: unknown) =>
        error instanceof ActionError && /permissions on service .*fresh/.test(error.message),
    );
  });

  test("a failed read fails the preflight with the read's error", async () => {
    const failed = new ActionError('reading service fresh failed', { remedy: 'Re-run.' });
    await assert.rejects(
      alongside(() => Promise.reject(failed)),
      (error: unknown) => error === failed,
    );
  });
});
