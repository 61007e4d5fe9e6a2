import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.ts';

/** `node test/emulator/main.ts [--state FILE]`: prints one JSON line when ready, runs until signalled. */
const { values } = parseArgs({ options: { state: { type: 'string' } }, strict: true });

try {
  const emulator = await startEmulator({
    ...(values.state === undefined ? {} : { state: values.state }),
    onError: (error) => console.error('emulator bug:', error),
  });
  process.stdout.write(`${emulator.readyLine()}\n`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
