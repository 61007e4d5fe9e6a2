/**
 * The main job on an embedded default: starts the emulator with the example world, runs the
 * bundled action exactly as the GitHub runner would with the example policy, prints its outputs
 * and job summary, then calls the deployed service as a declared invoker (expects 200) and as an
 * undeclared identity (expects 403). Exits non-zero if any of that does not hold.
 */
import { CALLER, EXAMPLE_POLICY, IMAGE, OUTSIDER, World } from '../test/e2e/world.ts';

const world = await World.start();
let failed = false;
const check = (ok: boolean, what: string): void => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};

try {
  console.log('Policy (.github/cloud-run.yml):\n');
  console.log(EXAMPLE_POLICY);
  const image = `${IMAGE}:v1`;
  console.log(`Running dist/index.js as the runner would (image ${image}) against the local emulator…\n`);
  const run = await world.deploy({ inputs: { image } });
  console.log('--- step log ---');
  console.log(
    run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
  );
  if (run.stderr.trim() !== '') console.log(`--- stderr ---\n${run.stderr}`);
  console.log('--- outputs ---');
  for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value}`);
  console.log('\n--- job summary ---');
  console.log(run.summary);

  check(run.code === 0, `the step succeeded (exit code ${run.code}, ${Math.round(run.durationMs)} ms)`);
  const url = run.outputs.service_url ?? '';
  if (url !== '') {
    const caller = await world.invoke(url, CALLER);
    check(
      caller.status === 200,
      `${CALLER} (declared invoker) calls ${url}: ${caller.status} ${caller.body.trim()}`,
    );
    const outsider = await world.invoke(url, OUTSIDER);
    check(outsider.status === 403, `${OUTSIDER} (not declared) calls ${url}: ${outsider.status}`);
  } else {
    check(false, 'the step output a service URL');
  }
  check(
    world.leaks(run).length === 0,
    'no token the emulator minted appears in the log, outputs, summary or files',
  );
} finally {
  await world.close();
}
process.exitCode = failed ? 1 : 0;
