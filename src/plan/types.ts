/**
 * The contract of a plan: what one run will do to each target, built by `plan/` (pure) from
 * `Settings` and what was read from Google, carried out by `apply/`, rendered by `report/`.
 */
import type { protos } from '@google-cloud/run';
import type { ReleasePlan } from './release.ts';

/** A Cloud Run v2 Service as the client library reads and writes it. */
export type RunService = protos.google.cloud.run.v2.IService;
/** An IAM policy as the client library reads and writes it (`etag` is bytes). */
export type IamPolicy = protos.google.iam.v1.IPolicy;
export type IamBinding = protos.google.iam.v1.IBinding;

/** One service in one region. */
export interface TargetRef {
  readonly service: string;
  readonly region: string;
  /** Full resource name: `projects/PROJECT/locations/REGION/services/SERVICE`. */
  readonly name: string;
}

/** `traffic`: a promotion or rollback, which moves traffic and deploys nothing. */
export type ServiceAction = 'create' | 'update' | 'traffic' | 'none';

/**
 * One human-readable difference. `before`/`after` are display strings, `undefined` when the
 * field is absent on that side. Secret values never appear, only references
 * (`secret projects/p/secrets/s version latest`); plain env values are shown as `(value)`.
 */
export interface FieldChange {
  /** Dotted path, e.g. `image`, `env.API_URL`, `resources.memory`, `labels.team`, `traffic`. */
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

/** The `roles/run.invoker` part of a target (authoritative, like Terraform's `_iam_binding`). */
export interface InvokerPlan {
  /** `false` when the settings leave invokers unmanaged; then add/remove are empty. */
  readonly managed: boolean;
  /** Declared members not bound yet. */
  readonly add: readonly string[];
  /** Bound members not declared: drift that will be removed. */
  readonly remove: readonly string[];
  /** Declared members already bound. */
  readonly keep: readonly string[];
  /** The policy to write (with the etag read), or `undefined` when nothing changes. */
  readonly policy: IamPolicy | undefined;
}

export interface TargetPlan {
  readonly target: TargetRef;
  readonly action: ServiceAction;
  readonly changes: readonly FieldChange[];
  /** The Service to send (create or update); for `none`, what would have been sent; for `traffic`, the service as read. */
  readonly desired: RunService;
  /** The fresh revision name set in `desired.template.revision`; for `traffic`, the revision that gets the traffic. */
  readonly revisionName: string;
  /** Full name of the revision serving before this run (`latestReadyRevision`), if any. */
  readonly previousRevision: string | undefined;
  readonly invokers: InvokerPlan;
  /** What happens to traffic: with the deploy, after it (canary), or instead of one. */
  readonly release: ReleasePlan;
}

export interface Plan {
  readonly targets: readonly TargetPlan[];
}

/** The `plan` action output: stable key order, no secret values, no tokens, no etags. */
export interface PlanJson {
  readonly version: 1;
  readonly targets: readonly {
    readonly service: string;
    readonly region: string;
    readonly name: string;
    readonly action: ServiceAction;
    readonly revision: string;
    readonly previousRevision: string | null;
    readonly changes: readonly {
      readonly path: string;
      readonly before: string | null;
      readonly after: string | null;
    }[];
    readonly invokers: {
      readonly managed: boolean;
      readonly add: readonly string[];
      readonly remove: readonly string[];
      readonly keep: readonly string[];
    };
  }[];
}
