/**
 * The Cloud Run Admin API v2 calls the deploy needs, thin over `@google-cloud/run` (REST
 * transport), behind an interface so waiting and IAM read-modify-write can be driven by tests.
 */
import type { protos } from '@google-cloud/run';
import { RevisionsClient } from '@google-cloud/run/build/src/v2/revisions_client.js';
import { ServicesClient } from '@google-cloud/run/build/src/v2/services_client.js';
import type { AuthClient } from 'google-auth-library';
import type { Endpoints } from '../google/endpoints.ts';
import { classifyError } from '../google/errors.ts';
import { REQUEST_TIMEOUT_MS } from '../google/retry.ts';
import type { IamPolicy, RunService } from '../plan/types.ts';

export type Revision = protos.google.cloud.run.v2.IRevision;

/** Where a long-running operation stands after one look at it. */
export type OperationState =
  | { readonly done: false }
  | { readonly done: true; readonly service: RunService }
  | { readonly done: true; readonly error: { readonly code: number | undefined; readonly message: string } };

export interface PendingOperation {
  readonly name: string;
  /** The state in the answer that started the operation. */
  readonly initial: OperationState;
  /** One `operations.get`; throws only when the poll itself failed (network, auth). */
  poll(): Promise<OperationState>;
}

export interface RunApi {
  /** `undefined` when the service does not exist. */
  getService(name: string): Promise<RunService | undefined>;
  /** `undefined` when the revision does not exist. */
  getRevision(name: string): Promise<Revision | undefined>;
  /** Asks for version 3, so conditional bindings are returned and can be preserved. */
  getIamPolicy(resource: string): Promise<IamPolicy>;
  setIamPolicy(resource: string, policy: IamPolicy): Promise<IamPolicy>;
  createService(
    parent: string,
    serviceId: string,
    service: RunService,
    validateOnly: boolean,
  ): Promise<PendingOperation>;
  /** Replaces the whole service; `service.etag` makes it fail if the service changed since read. */
  updateService(service: RunService, validateOnly: boolean): Promise<PendingOperation>;
  close(): Promise<void>;
}

/**
 * One request per call, bounded: the callers retry (`withRetry` around reads, writes and IAM
 * writes; the wait loop around polls), so gax's own retries of reads on UNAVAILABLE would only
 * multiply requests and stretch a persistent failure. Cloud Run answers these small JSON calls
 * (an operation, not the finished deploy) in well under a second. Operation polls reuse the
 * options of their call.
 */
const CALL_OPTIONS = { timeout: REQUEST_TIMEOUT_MS, retry: null };

/** Options for the clients: host and port separately (a port inside `apiEndpoint` is ignored). */
export function clientOptions(authClient: AuthClient, endpoints: Endpoints) {
  const url = new URL(endpoints.run);
  const protocol = url.protocol.slice(0, -1);
  return {
    fallback: true,
    authClient,
    apiEndpoint: url.hostname,
    port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
    protocol,
    // Must equal the auth client's, or the client fails with an unhandled rejection.
    universeDomain: endpoints.universeDomain,
  };
}

export function createRunApi(authClient: AuthClient, endpoints: Endpoints): RunApi {
  const options = clientOptions(authClient, endpoints);
  const services = new ServicesClient(options);
  // Revisions are read only to explain a failed deploy: build that client only then.
  let revisions: RevisionsClient | undefined;

  const pending = (operation: OperationView): PendingOperation => ({
    name: operation.name ?? '',
    initial: stateOf(operation),
    async poll() {
      try {
        await operation.getOperation();
      } catch (error) {
        // A failed operation rejects too; only a failed poll has no finished answer.
        if (!operation.latestResponse.done) throw error;
      }
      return stateOf(operation);
    },
  });

  return {
    async getService(name) {
      try {
        const [service] = await services.getService({ name }, CALL_OPTIONS);
        return service;
      } catch (error) {
        if (classifyError(error).category === 'not-found') return undefined;
        throw error;
      }
    },
    async getRevision(name) {
      try {
        revisions ??= new RevisionsClient(options);
        const [revision] = await revisions.getRevision({ name }, CALL_OPTIONS);
        return revision;
      } catch (error) {
        if (classifyError(error).category === 'not-found') return undefined;
        throw error;
      }
    },
    async getIamPolicy(resource) {
      const [policy] = await services.getIamPolicy(
        { resource, options: { requestedPolicyVersion: 3 } },
        CALL_OPTIONS,
      );
      return policy;
    },
    async setIamPolicy(resource, policy) {
      const [written] = await services.setIamPolicy({ resource, policy }, CALL_OPTIONS);
      return written;
    },
    async createService(parent, serviceId, service, validateOnly) {
      const [operation] = await services.createService(
        { parent, serviceId, service, validateOnly },
        CALL_OPTIONS,
      );
      return pending(operation);
    },
    async updateService(service, validateOnly) {
      const [operation] = await services.updateService({ service, validateOnly }, CALL_OPTIONS);
      return pending(operation);
    },
    async close() {
      await Promise.all([services.close(), revisions?.close()]);
    },
  };
}

/** The parts of gax's `Operation` used here. */
interface OperationView {
  readonly name?: string | undefined;
  getOperation(): Promise<unknown>;
  readonly latestResponse: {
    readonly done?: boolean | null;
    readonly error?: { code?: number | null; message?: string | null } | null;
  };
  readonly result: unknown;
}

function stateOf(operation: OperationView): OperationState {
  const latest = operation.latestResponse;
  if (!latest.done) return { done: false };
  if (latest.error) {
    return {
      done: true,
      error: { code: latest.error.code ?? undefined, message: latest.error.message ?? '' },
    };
  }
  return { done: true, service: (operation.result ?? {}) as RunService };
}
