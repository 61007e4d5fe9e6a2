import './bundle-shim.ts';
import { run } from './main.ts';

await run();
// run() has reported everything (outputs, summary, exit code). End now, once stdout is flushed, so
// a request abandoned after its deadline (a socket nobody answers) cannot hold the step open.
process.stdout.write('', () => process.exit());
