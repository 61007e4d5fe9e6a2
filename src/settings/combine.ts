/**
 * Inputs + policy → `Settings`. Without a policy the inputs say everything; with one, the policy
 * pins identity and services, inputs may only select among its choices (and shorten the token
 * lifetime), and an input that contradicts a pinned value is an error naming both places.
 */
import type { ActionError } from '../errors.ts';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, formatDuration } from './durations.ts';
import { inRepository } from './image.ts';
import type { Inputs } from './inputs.ts';
import type { Pinned, Policy, PolicyService } from './policy.ts';
import { at, inputProblem, SettingsError, show } from './problems.ts';
import { type ReleaseTarget, resolveReleases, trafficOnly } from './release.ts';
import { ALL_SERVICES, selectTargets } from './select-targets.ts';
import type { DeployTarget, SecretReference, ServiceSettings, Settings } from './types.ts';

const DEFAULT_POLICY = '.github/cloud-run.yml';

export function combine(inputs: Inputs, policy: Policy | undefined): Settings {
  const problems: ActionError[] = [];
  const settings = policy === undefined ? fromInputs(inputs, problems) : fromPolicy(inputs, policy, problems);
  if (problems.length > 0 || settings === undefined) throw new SettingsError(problems);
  return settings;
}

function audienceFor(inputs: Inputs, provider: string): string {
  return inputs.audience ?? `https://iam.${inputs.universeDomain}/${provider}`;
}

function fromInputs(inputs: Inputs, problems: ActionError[]): Settings | undefined {
  const required = <T>(name: string, value: T | undefined, example: string): T | undefined => {
    if (value === undefined) {
      problems.push(
        inputProblem(
          name,
          `is required when no policy file is used (none at ${inputs.policy ?? DEFAULT_POLICY})`,
          `Set ${name}, e.g. ${name}: ${example}, or add a policy file.`,
        ),
      );
    }
    return value;
  };
  const projectId = required('project_id', inputs.projectId, 'demo-project');
  const projectNumber = required('project_number', inputs.projectNumber, "'123456789012'");
  const provider = required(
    'workload_identity_provider',
    inputs.workloadIdentityProvider,
    'projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
  );
  const serviceAccount = required(
    'service_account',
    inputs.serviceAccount,
    'deployer@demo-project.iam.gserviceaccount.com',
  );
  const service = single('service', required('service', inputs.service, 'hello'), problems);
  const region = single('region', required('region', inputs.region, 'us-central1'), problems);
  // promote_to and rollback_to deploy nothing: an image there is refused by resolveRelease.
  const image =
    trafficOnly(inputs) === undefined
      ? required('image', inputs.image, 'us-docker.pkg.dev/demo-project/apps/hello:v1')
      : inputs.image;
  if (
    projectId === undefined ||
    projectNumber === undefined ||
    provider === undefined ||
    serviceAccount === undefined ||
    service === undefined ||
    region === undefined
  ) {
    return undefined;
  }
  const selected: ServiceSettings = {
    name: service,
    regions: Object.freeze([region]),
    runtimeServiceAccount: undefined,
    imageRepository: undefined,
    port: undefined,
    env: emptyRecord<string>(),
    secrets: emptyRecord<SecretReference>(),
    cpu: undefined,
    memory: undefined,
    concurrency: undefined,
    timeoutSeconds: undefined,
    minInstances: undefined,
    maxInstances: undefined,
    ingress: undefined,
    labels: emptyRecord<string>(),
    public: false,
    invokers: undefined,
    canary: undefined,
    span: undefined,
  };
  const resolved = resolveReleases(
    inputs,
    [
      {
        service: selected,
        regions: [region],
        project: { id: projectId, number: projectNumber },
        deployer: serviceAccount,
        invokersSpan: undefined,
      },
    ],
    problems,
  );
  if (resolved === undefined || (image === undefined && trafficOnly(inputs) === undefined)) return undefined;
  const serviceSettings: ServiceSettings = Object.freeze({ ...selected, canary: resolved.canaries[0] });
  return Object.freeze({
    mode: inputs.mode,
    project: Object.freeze({ id: projectId, number: projectNumber }),
    deployer: Object.freeze({
      workloadIdentityProvider: provider,
      serviceAccount,
      planServiceAccount: undefined,
      audience: audienceFor(inputs, provider),
      tokenLifetimeSeconds: inputs.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      universeDomain: inputs.universeDomain,
      allow: undefined,
      planAllow: undefined,
      allowedRoles: Object.freeze([]),
      excessPermissions: inputs.excessPermissions ?? 'fail',
    }),
    targets: Object.freeze([Object.freeze({ service: serviceSettings, region })]),
    release: Object.freeze(resolved.release),
    image,
    waitTimeoutSeconds: inputs.waitTimeoutSeconds,
    policyFile: undefined,
    prComment: prComment(inputs),
  });
}

function fromPolicy(inputs: Inputs, policy: Policy, problems: ActionError[]): Settings | undefined {
  const agree = <T>(name: string, input: T | undefined, pinned: Pinned<T>, key: string): void => {
    if (input === undefined || input === pinned.value) return;
    problems.push(
      inputProblem(
        name,
        `${show(input)} differs from ${key} ${show(pinned.value)} pinned by the policy at ${at(pinned.span)}`,
        `Remove the ${name} input (the policy decides it), or change the policy file.`,
      ),
    );
  };
  agree('project_id', inputs.projectId, policy.projectId, 'project.id');
  agree('project_number', inputs.projectNumber, policy.projectNumber, 'project.number');
  agree(
    'workload_identity_provider',
    inputs.workloadIdentityProvider,
    policy.workloadIdentityProvider,
    'deployer.workload_identity_provider',
  );
  agree('service_account', inputs.serviceAccount, policy.serviceAccount, 'deployer.service_account');
  if (policy.excessPermissions !== undefined)
    agree(
      'excess_permissions',
      inputs.excessPermissions,
      policy.excessPermissions,
      'deployer.excess_permissions',
    );

  const ceiling = policy.tokenLifetimeSeconds;
  if (
    ceiling !== undefined &&
    inputs.tokenLifetimeSeconds !== undefined &&
    inputs.tokenLifetimeSeconds > ceiling.value
  ) {
    problems.push(
      inputProblem(
        'token_lifetime',
        `${formatDuration(inputs.tokenLifetimeSeconds)} is longer than deployer.token_lifetime ${formatDuration(ceiling.value)} at ${at(ceiling.span)}`,
        `The input may only shorten the policy's lifetime: set at most ${formatDuration(ceiling.value)}, or remove it.`,
      ),
    );
  }

  const selected = selectTargets(inputs.service, inputs.region, policy, problems);
  const image = inputs.image;
  const deploys = trafficOnly(inputs) === undefined;
  if (image === undefined && deploys) {
    problems.push(
      inputProblem(
        'image',
        'is required',
        'Set image to the container image to deploy, e.g. image: us-docker.pkg.dev/demo-project/apps/hello@sha256:DIGEST, or set promote_to or rollback_to to move traffic without deploying.',
      ),
    );
  } else if (image !== undefined && deploys) {
    for (const { service } of selected ?? []) checkImageRepository(image, service, policy, problems);
  }
  if (selected === undefined) return undefined;
  const project = { id: policy.projectId.value, number: policy.projectNumber.value };
  const releaseTargets: ReleaseTarget[] = selected.map(({ service, regions }) => ({
    service: service.settings,
    regions,
    project,
    deployer: policy.serviceAccount.value,
    invokersSpan: service.invokersSpan,
  }));
  const resolved = resolveReleases(inputs, releaseTargets, problems);
  if (resolved === undefined || (image === undefined && deploys)) return undefined;
  const targets: DeployTarget[] = selected.flatMap(({ service, regions }, index) => {
    const settings: ServiceSettings = Object.freeze({
      ...service.settings,
      canary: resolved.canaries[index],
    });
    return regions.map((region) => Object.freeze({ service: settings, region }));
  });
  const provider = policy.workloadIdentityProvider.value;
  return Object.freeze({
    mode: inputs.mode,
    project: Object.freeze({ id: policy.projectId.value, number: policy.projectNumber.value }),
    deployer: Object.freeze({
      workloadIdentityProvider: provider,
      serviceAccount: policy.serviceAccount.value,
      planServiceAccount: policy.planServiceAccount,
      audience: audienceFor(inputs, provider),
      tokenLifetimeSeconds: inputs.tokenLifetimeSeconds ?? ceiling?.value ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
      universeDomain: inputs.universeDomain,
      allow: policy.allow,
      planAllow: policy.planAllow,
      allowedRoles: policy.allowedRoles,
      excessPermissions: policy.excessPermissions?.value ?? inputs.excessPermissions ?? 'fail',
    }),
    targets: Object.freeze(targets),
    release: Object.freeze(resolved.release),
    image,
    waitTimeoutSeconds: inputs.waitTimeoutSeconds,
    policyFile: policy.file,
    prComment: prComment(inputs),
  });
}

function prComment(inputs: Inputs): Settings['prComment'] {
  return Object.freeze({ enabled: inputs.prComment, githubToken: inputs.githubToken });
}

/** Without a policy a run deploys one service to one region: a list (or `all`) needs the policy's services. */
function single(
  name: string,
  listed: readonly string[] | undefined,
  problems: ActionError[],
): string | undefined {
  if (listed === undefined) return undefined;
  const [only] = listed;
  if (listed.length === 1 && only !== undefined && !(name === 'service' && only === ALL_SERVICES))
    return only;
  const what = name === 'service' ? 'several services (or all)' : 'several regions';
  problems.push(
    inputProblem(
      name,
      `${show(listed.join(', '))} selects ${what}, which needs a policy file (none at ${DEFAULT_POLICY} or the policy input)`,
      `Set ${name} to one ${name}, or add a policy file that declares the ${name === 'service' ? 'services and their regions' : "service's regions"}.`,
    ),
  );
  return undefined;
}

/** The image must lie in the service's `image_repository`, when the policy sets one. */
function checkImageRepository(
  image: string,
  selected: PolicyService,
  policy: Policy,
  problems: ActionError[],
): void {
  const repository = selected.settings.imageRepository;
  if (repository === undefined || inRepository(image, repository)) return;
  const where = selected.imageRepositorySpan === undefined ? policy.file : at(selected.imageRepositorySpan);
  problems.push(
    inputProblem(
      'image',
      `'${image}' is not in the repository '${repository}' that the policy allows for service '${selected.settings.name}' (${where})`,
      `Build and push the image to ${repository}, e.g. ${repository}:TAG or ${repository}@sha256:DIGEST.`,
    ),
  );
}

function emptyRecord<T>(): Readonly<Record<string, T>> {
  return Object.freeze(Object.create(null));
}
