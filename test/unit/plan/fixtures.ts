/** Builders for plan tests: settings, run context, and services in the shapes the client yields. */
import { protos } from '@google-cloud/run';
import type { RunService } from '../../../src/plan/types.ts';
import type { DeployTarget, Release, RunContext, ServiceSettings } from '../../../src/settings/types.ts';

const Service = protos.google.cloud.run.v2.Service;

export const PROJECT = 'demo-project';
export const NAME = 'projects/demo-project/locations/us-central1/services/hello';

export function settings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    name: 'hello',
    regions: ['us-central1'],
    runtimeServiceAccount: 'runtime@demo-project.iam.gserviceaccount.com',
    imageRepository: 'us-docker.pkg.dev/demo-project/apps/hello',
    port: 8080,
    env: { API_URL: 'https://api.example.com', MODE: 'prod' },
    secrets: { DB_PASSWORD: { secret: 'db-password', version: 'latest' } },
    cpu: '1',
    memory: '512Mi',
    concurrency: 40,
    timeoutSeconds: 120,
    minInstances: 0,
    maxInstances: 3,
    ingress: 'all',
    labels: { team: 'web' },
    public: false,
    invokers: ['serviceAccount:caller@demo-project.iam.gserviceaccount.com'],
    canary: undefined,
    span: undefined,
    ...overrides,
  };
}

export function target(overrides: Partial<ServiceSettings> = {}): DeployTarget {
  return { service: settings(overrides), region: 'us-central1' };
}

export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    repository: 'acme/hello',
    sha: '0123456789abcdef0123456789abcdef01234567',
    ref: 'refs/heads/main',
    runId: '1001',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    eventName: 'push',
    workflow: 'deploy',
    ...overrides,
  };
}

/** A plain deploy: all traffic to the new revision, no tag. */
export const DEPLOY: Release = { kind: 'deploy', traffic: 'all', tag: undefined, firstDeploy: 'fail' };
/** The time the release record gives a planned run. */
export const AT = '2026-11-28T12:00:00.000Z';

export const IMAGE = 'us-docker.pkg.dev/demo-project/apps/hello@sha256:aaaa';
export const IMAGE_2 = 'us-docker.pkg.dev/demo-project/apps/hello@sha256:bbbb';

/**
 * What the server stores and returns after `sent` was written: the server fills defaults
 * (port name, cpu text), output-only fields, a revision name when none was sent.
 */
export function stored(sent: RunService, revision: string): RunService {
  const template = sent.template ?? {};
  const containers = (template.containers ?? []).map((container) => ({
    ...container,
    ports: (container.ports ?? [{ containerPort: 8080 }]).map((port) => ({ name: 'http1', ...port })),
    resources: {
      cpuIdle: true,
      ...container.resources,
      limits: { cpu: '1000m', memory: '512Mi', ...container.resources?.limits },
    },
  }));
  return {
    ...sent,
    name: NAME,
    uid: 'uid-1',
    generation: 2,
    etag: '"etag-2"',
    template: { ...template, revision: revision, containers },
    latestReadyRevision: `${NAME}/revisions/${revision}`,
    latestCreatedRevision: `${NAME}/revisions/${revision}`,
    terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED' },
    uri: 'https://hello-abc-uc.a.run.app',
  };
}

/** As `getService` yields it: enum names, int64 as strings, every proto3 default present. */
export function asGetResult(service: RunService): RunService {
  return Service.toObject(Service.fromObject(service), {
    defaults: true,
    enums: String,
    longs: String,
    arrays: true,
  });
}

/** As an operation result yields it: enum numbers, int64 as Long, defaults absent. */
export function asOperationResult(service: RunService): RunService {
  return Service.fromObject(service);
}
