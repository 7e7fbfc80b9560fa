// How long `npm start` (or another command) takes to serve: from spawning it to its
// "listening on" line, then a /healthz answered. Runs it --runs times on the database in
// DATABASE_URL (start it once before, so the database exists and is seeded) and prints each
// time, the mean and the median.
//
//   DATABASE_URL=/tmp/esimkit-start.db node scripts/time-start.mjs [--runs 10] [-- command ...]
//   (default command: npm start)
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const dash = process.argv.indexOf('--');
const { values } = parseArgs({ args: process.argv.slice(2, dash < 0 ? undefined : dash), options: { runs: { type: 'string', default: '10' } } });
const command = dash < 0 ? ['npm', 'start'] : process.argv.slice(dash + 1);

async function once() {
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), { env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${out}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
  });
  const response = await fetch(`${url}/healthz`);
  if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
  const ms = performance.now() - started;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  return ms;
}

const times = [];
for (let i = 0; i < Number(values.runs); i++) times.push(await once());
const sorted = [...times].sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`${command.join(' ')}: ${times.map((t) => `${(t / 1000).toFixed(2)}`).join(' ')} s`);
console.log(`mean ${(mean / 1000).toFixed(3)} s, median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(3)} s, min ${(sorted[0] / 1000).toFixed(3)} s over ${times.length} runs`);
