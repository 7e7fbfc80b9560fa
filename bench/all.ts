// `npm run bench`: every benchmark in turn, each in its own processes.
//   npm run bench -- [--database sqlite|postgres] [--quick]
// --quick shortens each (HTTP 5 s per row, 300 single orders, 100,000 eSIMs for the sweep).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const databaseAt = args.indexOf('--database');
const database = databaseAt >= 0 ? ['--database', args[databaseAt + 1] ?? 'sqlite'] : [];
const quick = args.includes('--quick');

const runs: [string, string[]][] = [
  ['run.js', [...database, ...(quick ? ['--duration', '5', '--warmup', '1'] : [])]],
  ['lifecycle.js', [...database, ...(quick ? ['--orders', '300'] : [])]],
  ['sweeps.js', [...database, ...(quick ? ['--esims', '100000'] : [])]],
];

let failed = false;
for (const [script, scriptArgs] of runs) {
  console.log(`\n=== bench/${script} ${scriptArgs.join(' ')}`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`./${script}`, import.meta.url)), ...scriptArgs], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
