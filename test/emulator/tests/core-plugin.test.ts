import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GoogleError } from '../core/google-error.ts';
import type { PluginFactory } from '../core/plugin.ts';
import type { Emulator } from '../emulator.ts';
import { call, DEPLOYER, startCore } from './helpers.ts';

/** A stand-in for the Cloud Run plug-in that exercises every part of the contract. */
const stubPlugin: PluginFactory = (core, state) => {
  let started = '';
  const counter = { hits: 0 };
  return {
    api: 'run',
    routes: [
      {
        method: 'GET',
        pattern: '/v2/projects/{project}/locations/{location}/services/{service}',
        handler: (ctx) => {
          const caller = core.authenticate(ctx);
          const name = `projects/${ctx.params.project}/locations/${ctx.params.location}/services/${ctx.params.service}`;
          core.iam.authorize(caller, 'run.services.get', name);
          counter.hits += 1;
          return { status: 200, body: { name, state } };
        },
      },
      {
        method: 'GET',
        pattern: '/boom',
        handler: () => {
          throw new GoogleError('ALREADY_EXISTS', 'exists');
        },
      },
    ],
    controlRoutes: [
      {
        method: 'GET',
        pattern: '/hits',
        handler: () => ({ status: 200, body: { hits: counter.hits, started } }),
      },
    ],
    controls: counter,
    snapshot: () => ({ hits: counter.hits }),
    start: async (urls) => {
      started = urls.run;
    },
  };
};

let emulator: Emulator;
before(async () => {
  emulator = await startCore({
    plugins: [stubPlugin],
    state: {
      project: { id: 'demo-project', number: '123456789012' },
      serviceAccounts: [{ email: DEPLOYER }],
      iamPolicy: { bindings: [{ role: 'roles/run.viewer', members: [`serviceAccount:${DEPLOYER}`] }] },
      services: { anything: ['the plug-in owns this'] },
    },
  });
});
after(() => emulator.close());

test('plug-in routes are served on their listener with authentication, IAM, log and faults', async () => {
  const url = `${emulator.urls.run}/v2/projects/demo-project/locations/us-central1/services/hello`;
  const token = emulator.mintAccessToken(DEPLOYER).token;
  const answer = await call(url, { token });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.json.state, { anything: ['the plug-in owns this'] });
  assert.equal(emulator.log.entries().at(-1)?.caller, DEPLOYER);
  assert.equal((await call(url)).status, 401);

  emulator.faults.add({ api: 'run', fault: { type: 'error', status: 503 }, times: 1 });
  assert.equal((await call(url, { token })).status, 503);
  assert.equal((await call(url, { token })).status, 200);

  const conflict = await call(`${emulator.urls.run}/boom`);
  assert.deepEqual(conflict.json, { error: { code: 409, message: 'exists', status: 'ALREADY_EXISTS' } });
});

test('plug-in control routes, controls, start and snapshot are wired', async () => {
  const hits = await call(`${emulator.urls.control}/run/hits`);
  assert.equal(hits.json.started, emulator.urls.run);
  const controls = emulator.plugin('run')?.controls;
  assert.ok(typeof controls === 'object' && controls !== null && 'hits' in controls);
  assert.equal(hits.json.hits, controls.hits);
  assert.match(emulator.snapshot(), /"run": \{\s*"hits": \d+/);
});

test('the discovery validator guards the identity APIs (query and body)', async () => {
  const token = emulator.mintAccessToken(DEPLOYER).token;
  const query = await call(`${emulator.urls.cloudresourcemanager}/v3/projects/demo-project?colour=blue`, {
    token,
  });
  assert.equal(query.status, 400);
  assert.equal((query.json.error as Record<string, unknown>).status, 'INVALID_ARGUMENT');
  const nested = await call(`${emulator.urls.cloudresourcemanager}/v1/projects/demo-project:setIamPolicy`, {
    token,
    json: { policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'], conditon: {} }] } },
  });
  assert.equal(nested.status, 400);
  assert.match(String((nested.json.error as Record<string, unknown>).message), /Unknown name "conditon"/);
});
