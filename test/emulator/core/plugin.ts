import type { IamEngine } from '../iam/engine.ts';
import type { SecretKind } from './tokens.ts';
import type { ApiName, Clock, Identity, ProjectInfo, RequestContext, Route } from './types.ts';

/** What a verified Google ID token (from `generateIdToken`) says about its bearer. */
export type IdTokenVerification =
  | { readonly ok: true; readonly identity: Identity; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string };

export interface ServiceAccountRecord {
  readonly email: string;
  readonly displayName: string;
  readonly disabled: boolean;
  /** Numeric unique id (the `sub` of its ID tokens). */
  readonly uniqueId: string;
}

/** The core services a plug-in (e.g. the Cloud Run API) builds on. */
export interface EmulatorCore {
  readonly project: ProjectInfo;
  readonly clock: Clock;
  readonly iam: IamEngine;
  /** Caller of a Google API request; throws Google's 401 otherwise. Records the caller in the log. */
  authenticate(ctx: RequestContext): Identity;
  /** Verifies an ID token minted by this emulator's `generateIdToken` for one of `audiences`. */
  verifyGoogleIdToken(jwt: string, audiences: string | readonly string[]): Promise<IdTokenVerification>;
  /** Service accounts of the state (including the default compute one, when declared). */
  serviceAccount(email: string): ServiceAccountRecord | undefined;
  /** Adds a secret the plug-in minted to `mintedSecrets()`. */
  recordSecret(kind: SecretKind, value: string): void;
}

/** What a plug-in contributes. */
export interface EmulatorPlugin {
  /** The listener whose routes these are (`run` for the Cloud Run API). */
  readonly api: ApiName;
  readonly routes: readonly Route[];
  /** Mounted on the control listener under `/<api>/…` (patterns given without that prefix). */
  readonly controlRoutes?: readonly Route[];
  /** JSON-able, deterministic state for `emulator.snapshot()` (key = `api`). */
  snapshot(): unknown;
  /** In-process controls for tests, reached through `emulator.plugin(api)`. */
  readonly controls?: unknown;
  /** Called once every listener is up; e.g. to start serving listeners. */
  start?(urls: Readonly<Record<ApiName, string>>): Promise<void>;
  close?(): Promise<void>;
}

/** `state` is the `services` part of the state file, unvalidated (the plug-in owns its shape). */
export type PluginFactory = (core: EmulatorCore, state: unknown) => EmulatorPlugin | Promise<EmulatorPlugin>;
