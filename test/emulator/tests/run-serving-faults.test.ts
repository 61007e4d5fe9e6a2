/**
 * Faults on the serving listeners (`RunControls.servingFaults`): a caller of a service URL meets
 * the network or Cloud Run's front end failing, matched by method and path, before the revision
 * answers; other paths and later requests are served as usual.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RunControls } from '../apis/run/plugin.ts';
import { type Emulator, startEmulator } from '../emulator.ts';
import { addMember } from '../iam/edits.ts';
import { DEPLOYER, RUNTIME } from './helpers.ts';

const SERVICE = 'projects/demo-project/locations/us-central1/services/faulty';

let emulator: Emulator;
let controls: RunControls;
let url: string;

before(async () => {
  emulator = await startEmulator({ onError: (error) => assert.fail(`emulator bug: ${String(error)}`) });
  controls = emulator.plugin('run')?.controls as RunControls;
  controls.setOperationDuration(0);
  const response = await fetch(
    `${emulator.urls.run}/v2/projects/demo-project/locations/us-central1/services?serviceId=faulty`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${emulator.mintAccessToken(DEPLOYER).token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        template: { serviceAccount: RUNTIME, containers: [{ image: 'gcr.io/p/app:1' }] },
      }),
    },
  );
  assert.equal(response.status, 200, await response.text());
  // Public, so the answers below are the revision's, not the front end's 403.
  emulator.iam.editBindings(SERVICE, addMember('roles/run.invoker', 'allUsers'));
  url = controls.serviceUrl(SERVICE);
});

afterEach(() => controls.servingFaults.clear());
after(() => emulator.close());

async function get(
  path: string,
  signal?: AbortSignal,
): Promise<{ status: number; revision: string | null; body: string }> {
  const response = await fetch(`${url}${path}`, signal === undefined ? {} : { signal });
  return {
    status: response.status,
    revision: response.headers.get('x-emulator-revision'),
    body: await response.text(),
  };
}

describe('serving faults', () => {
  it('answers a matching request with the fault, then serves once the fault is spent', async () => {
    const id = controls.servingFaults.add({
      method: 'GET',
      path: '^/healthz$',
      fault: { type: 'error', status: 503 },
      times: 1,
    });
    const other = await get('/');
    assert.equal(other.status, 200, 'another path is served');
    const faulted = await get('/healthz');
    assert.equal(faulted.status, 503);
    assert.equal(faulted.revision, null, 'no revision answered');
    assert.match(faulted.body, /"status": "UNAVAILABLE"/);
    const healed = await get('/healthz');
    assert.equal(healed.status, 200);
    assert.notEqual(healed.revision, null);
    assert.equal(controls.servingFaults.list().find((fault) => fault.id === id)?.fired, 1);
  });

  it('resets the connection', async () => {
    controls.servingFaults.add({ path: '^/healthz$', fault: { type: 'reset' } });
    await assert.rejects(get('/healthz'), (error: unknown) => error instanceof TypeError);
  });

  it('never answers a timed-out request, and delays a slow one', async () => {
    controls.servingFaults.add({ path: '^/hang$', fault: { type: 'timeout' } });
    controls.servingFaults.add({ path: '^/slow$', fault: { type: 'latency', ms: 300 } });
    await assert.rejects(get('/hang', AbortSignal.timeout(200)), { name: 'TimeoutError' });
    const started = performance.now();
    assert.equal((await get('/slow')).status, 200);
    assert.ok(performance.now() - started >= 290, 'the answer came after the latency');
  });
});
