/**
 * Start-up time of the standalone emulator (`npm run emulator`): spawn to its JSON ready line,
 * median / min / max over several starts, beside a bare `node -e 0` measured the same way.
 * Usage: node scripts/bench-emulator.ts [runs=9]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 9);
const main = fileURLToPath(new URL('../test/emulator/main.ts', import.meta.url));

function time(args: string[], untilLine: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (untilLine && chunk.includes('\n')) {
        resolve(performance.now() - started);
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (!untilLine) resolve(performance.now() - started);
      else if (code !== null && code !== 0) reject(new Error(`emulator exited with ${code}`));
    });
  });
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return { median: Math.round(median), min: Math.round(sorted[0] ?? 0), max: Math.round(sorted.at(-1) ?? 0) };
}

const emulator: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(await time(['-e', '0'], false));
  emulator.push(await time([main], true));
}
const result = { runs, emulatorReadyMs: stats(emulator), bareNodeMs: stats(bare) };
console.log(JSON.stringify(result));
console.log(
  `emulator ready: median ${result.emulatorReadyMs.median} ms (min ${result.emulatorReadyMs.min}, max ${result.emulatorReadyMs.max}); bare node: median ${result.bareNodeMs.median} ms`,
);
