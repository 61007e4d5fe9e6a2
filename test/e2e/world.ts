/**
 * An emulator world plus the bundled action run against it as the runner would: the shared
 * set-up of the end-to-end tests and the demo.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunControls } from '../emulator/apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator/emulator.ts';
import { type ActionRun, findLeaks, runAction } from './runner.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLE_POLICY = readFileSync(resolve(ROOT, 'examples/policies/hello.yml'), 'utf8');
export const IMAGE = 'us-docker.pkg.dev/demo-project/apps/hello';
export const SERVICE = 'projects/demo-project/locations/us-central1/services/hello';
export const CALLER = 'caller@demo-project.iam.gserviceaccount.com';
export const OUTSIDER = 'outsider@demo-project.iam.gserviceaccount.com';
export const DEPLOYER = 'deployer@demo-project.iam.gserviceaccount.com';

/** A traffic target or status as the Cloud Run API renders it. */
export interface TrafficView {
  readonly type?: string;
  readonly revision?: string;
  readonly percent?: number;
  readonly tag?: string;
  readonly uri?: string;
}

/** The fields of a Cloud Run service (as the API renders it) that the end-to-end tests read. */
export interface ServiceState {
  readonly uri?: string;
  readonly generation?: string;
  readonly etag?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly template?: Readonly<Record<string, unknown>>;
  readonly traffic?: readonly TrafficView[];
  readonly trafficStatuses?: readonly TrafficView[];
  readonly latestReadyRevision?: string;
  readonly latestCreatedRevision?: string;
  readonly terminalCondition?: { readonly state?: string };
}

export interface DeployOptions {
  readonly inputs?: Readonly<Record<string, string | undefined>>;
  /** The policy file's text; `null` runs without a policy file. */
  readonly policy?: string | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly event?: unknown;
  readonly timeoutMs?: number;
}

/** Log entries that change state: every write to a Google API (reads and checks excluded). */
export function mutations(emulator: Emulator) {
  return emulator.log.entries().filter((entry) => {
    if (entry.api === 'control' || entry.api === 'oidc' || entry.api === 'sts') return false;
    if (entry.api === 'iamcredentials') return false;
    if (entry.method === 'GET') return false;
    return !/:(testIamPermissions|getIamPolicy)$/.test(entry.path);
  });
}

export class World {
  readonly emulator: Emulator;

  private constructor(emulator: Emulator) {
    this.emulator = emulator;
  }

  static async start(state?: unknown): Promise<World> {
    return new World(await startEmulator(state === undefined ? {} : { state }));
  }

  /** Runs dist/index.js with the emulator's environment and the example policy by default. */
  deploy(options: DeployOptions = {}): Promise<ActionRun> {
    const policy = options.policy === undefined ? EXAMPLE_POLICY : options.policy;
    return runAction({
      env: { ...this.emulator.env(), ...options.env },
      inputs: { image: `${IMAGE}:v1`, ...options.inputs },
      files: policy === null ? {} : { '.github/cloud-run.yml': policy },
      event: options.event,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  }

  /** Every token the emulator ever minted that appears anywhere the run wrote. */
  leaks(run: ActionRun): string[] {
    return findLeaks(
      run,
      this.emulator.mintedSecrets().map((secret) => secret.value),
    );
  }

  /** Calls a service URL as `email` (a Google ID token minted for it), or anonymously. */
  async invoke(url: string, email?: string): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = {};
    if (email !== undefined) headers.authorization = `Bearer ${await this.idToken(email, url)}`;
    const response = await fetch(url, { headers });
    return { status: response.status, body: await response.text() };
  }

  /** An ID token for `email`, through IAM Credentials as the account itself would get one. */
  async idToken(email: string, audience: string): Promise<string> {
    const { token } = this.emulator.mintAccessToken(email);
    const response = await fetch(
      `${this.emulator.urls.iamcredentials}/v1/projects/-/serviceAccounts/${email}:generateIdToken`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ audience, includeEmail: true }),
      },
    );
    const body = (await response.json()) as { token?: string };
    if (body.token === undefined)
      throw new Error(`generateIdToken for ${email} failed: ${JSON.stringify(body)}`);
    return body.token;
  }

  /** The service as the API renders it, read directly: no request, nothing in the log. */
  service(name: string): ServiceState {
    return this.runControls().model.getService(name) as ServiceState;
  }

  /** Short names of every revision of the service, newest first. */
  revisions(name: string): string[] {
    const listed = this.runControls().model.listRevisions(name, undefined, undefined) as {
      revisions?: { name?: string }[];
    };
    return (listed.revisions ?? []).map((revision) => String(revision.name).split('/').at(-1) ?? '');
  }

  /** The revision that answered a call (`x-emulator-revision`), with the status, as `email`. */
  async servedBy(url: string, email?: string): Promise<{ status: number; revision: string | null }> {
    const headers: Record<string, string> = {};
    if (email !== undefined) headers.authorization = `Bearer ${await this.idToken(email, url)}`;
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    return { status: response.status, revision: response.headers.get('x-emulator-revision') };
  }

  /** The Cloud Run plug-in's test controls (failing revisions, slow operations, out-of-band edits). */
  runControls(): RunControls {
    const controls = this.emulator.plugin('run')?.controls;
    if (controls === undefined) throw new Error('the emulator has no Cloud Run plug-in');
    return controls as RunControls;
  }

  close(): Promise<void> {
    return this.emulator.close();
  }
}
