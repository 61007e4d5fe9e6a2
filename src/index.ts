import './bundle-shim.ts';
import { installCancellation } from './cancellation.ts';
import { defaultDeps, run } from './main.ts';

// Before anything else: a SIGINT that arrives while the run starts must cancel it, not kill it.
const cancellation = installCancellation(process, {
  log: (line) => process.stdout.write(`${line}\n`),
  exit: (code) => process.exit(code),
});
await run(defaultDeps(cancellation.signal));
// run() has reported everything (outputs, summary, exit code). End now, once stdout is flushed, so
// a request abandoned after its deadline or a cancellation (a socket nobody answers) cannot hold
// the step open.
process.stdout.write('', () => process.exit());
