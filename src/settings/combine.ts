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
import { inputProblem, SettingsError, show } from './problems.ts';
import type { DeployTarget, SecretReference, ServiceSettings, Settings, SourceSpan } from './types.ts';

const DEFAULT_POLICY = '.github/cloud-run.yml';

export function combine(inputs: Inputs, policy: Policy | undefined): Settings {
  const problems: ActionError[] = [];
  const settings = policy === undefined ? fromInputs(inputs, problems) : fromPolicy(inputs, policy, problems);
  if (problems.length > 0 || settings === undefined) throw new SettingsError(problems);
  return settings;
}

function at(span: SourceSpan): string {
  return `${span.file}:${span.line}:${span.column}`;
}

function audienceFor(inputs: Inputs, provider: string): string {
  return inputs.audience ?? `https://iam.${inputs.universeDomain}/${provider}`;
}

function fromInputs(inputs: Inputs, problems: ActionError[]): Settings | undefined {
  const required = (name: string, value: string | undefined, example: string): string | undefined => {
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
  const service = required('service', inputs.service, 'hello');
  const region = required('region', inputs.region, 'us-central1');
  const image = required('image', inputs.image, 'us-docker.pkg.dev/demo-project/apps/hello:v1');
  if (
    projectId === undefined ||
    projectNumber === undefined ||
    provider === undefined ||
    serviceAccount === undefined ||
    service === undefined ||
    region === undefined ||
    image === undefined
  ) {
    return undefined;
  }
  const serviceSettings: ServiceSettings = Object.freeze({
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
    span: undefined,
  });
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
      allowedRoles: Object.freeze([]),
      excessPermissions: inputs.excessPermissions ?? 'fail',
    }),
    targets: Object.freeze([Object.freeze({ service: serviceSettings, region })]),
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

  const selected = selectService(inputs, policy, problems);
  const regions =
    selected === undefined ? undefined : selectRegions(inputs, selected.settings, policy, problems);
  const image = inputs.image;
  if (image === undefined) {
    problems.push(
      inputProblem(
        'image',
        'is required',
        'Set image to the container image to deploy, e.g. image: us-docker.pkg.dev/demo-project/apps/hello@sha256:DIGEST.',
      ),
    );
  } else if (selected !== undefined) {
    const repository = selected.settings.imageRepository;
    if (repository !== undefined && !inRepository(image, repository)) {
      const where =
        selected.imageRepositorySpan === undefined ? policy.file : at(selected.imageRepositorySpan);
      problems.push(
        inputProblem(
          'image',
          `'${image}' is not in the repository '${repository}' that the policy allows for service '${selected.settings.name}' (${where})`,
          `Build and push the image to ${repository}, e.g. ${repository}:TAG or ${repository}@sha256:DIGEST.`,
        ),
      );
    }
  }
  if (selected === undefined || regions === undefined || image === undefined) return undefined;
  const provider = policy.workloadIdentityProvider.value;
  const targets: DeployTarget[] = regions.map((region) =>
    Object.freeze({ service: selected.settings, region }),
  );
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
      allowedRoles: policy.allowedRoles,
      excessPermissions: policy.excessPermissions?.value ?? inputs.excessPermissions ?? 'fail',
    }),
    targets: Object.freeze(targets),
    image,
    waitTimeoutSeconds: inputs.waitTimeoutSeconds,
    policyFile: policy.file,
    prComment: prComment(inputs),
  });
}

function prComment(inputs: Inputs): Settings['prComment'] {
  return Object.freeze({ enabled: inputs.prComment, githubToken: inputs.githubToken });
}

function selectService(inputs: Inputs, policy: Policy, problems: ActionError[]): PolicyService | undefined {
  const names = policy.services.map((service) => service.settings.name);
  if (inputs.service === undefined) {
    const [only] = policy.services;
    if (policy.services.length === 1 && only !== undefined) return only;
    problems.push(
      inputProblem(
        'service',
        `is required: the policy ${policy.file} declares several services`,
        `Set service to one of: ${names.join(', ')}.`,
      ),
    );
    return undefined;
  }
  const found = policy.services.find((service) => service.settings.name === inputs.service);
  if (found === undefined) {
    problems.push(
      inputProblem(
        'service',
        `'${inputs.service}' is not declared in the policy ${policy.file}`,
        `Set service to one of: ${names.join(', ')}, or declare it under services.`,
      ),
    );
  }
  return found;
}

function selectRegions(
  inputs: Inputs,
  service: ServiceSettings,
  policy: Policy,
  problems: ActionError[],
): readonly string[] | undefined {
  if (inputs.region === undefined) return service.regions;
  if (service.regions.includes(inputs.region)) return [inputs.region];
  const where = service.span === undefined ? policy.file : at(service.span);
  problems.push(
    inputProblem(
      'region',
      `'${inputs.region}' is not a region of service '${service.name}' in the policy (${where})`,
      `Set region to one of: ${service.regions.join(', ')}, or leave it empty to deploy to all of them.`,
    ),
  );
  return undefined;
}

function emptyRecord<T>(): Readonly<Record<string, T>> {
  return Object.freeze(Object.create(null));
}
