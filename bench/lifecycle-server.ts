import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { randomBytes } from 'node:crypto';
import { createMerchant, importInventory, loadConfig, startServer, type InventoryRow } from '@esimkit/server';
import { BENCH_PACKAGE } from './lifecycle-measure.js';
import { cpuSample, serveParent } from './shared.js';

// Child process of bench/lifecycle.ts: esimkit as `esimkit serve` runs it (configuration
// from the environment the parent sets), plus an unlimited merchant with ample funds.
// With BENCH_CPU_PROFILE=FILE it writes a V8 CPU profile of the whole run there.
// With BENCH_MERCHANT=existing it only starts the server: a later instance on a database
// the first one already prepared serves that instance's merchant (the parent has its access code).
// With BENCH_INVENTORY=N it imports N profiles for the benchmark's plan first: production mode
// has no simulated SM-DP+, and a plan without a source cannot be ordered (200011).
try {
  const profileFile = process.env.BENCH_CPU_PROFILE;
  const session = profileFile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const server = await startServer({ config, logger: false, print: () => {} });
  const inventory = Number(process.env.BENCH_INVENTORY ?? 0);
  if (inventory > 0) await importInventory({ ctx: server.runtime.ctx, input: benchProfiles(inventory) });
  const merchant =
    process.env.BENCH_MERCHANT === 'existing' ? undefined : await createMerchant({ ctx: server.runtime.ctx, input: { name: 'bench', rateLimit: 0, balance: 100_000_000_000 } });
  serveParent({ cpu: () => cpuSample() }, async () => {
    if (session && profileFile) writeFileSync(profileFile, JSON.stringify((await session.post('Profiler.stop')).profile));
    await server.close();
  });
  process.send!({ type: 'ready', url: server.url, accessCode: merchant?.accessCode, secretKey: merchant?.secretKey });
} catch (error) {
  process.send!({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}

/** `count` made-up profiles: ICCIDs 89 + 17 digits + a Luhn check digit, as an SM-DP+ export has them. */
function benchProfiles(count: number): InventoryRow[] {
  return Array.from({ length: count }, (_, i) => {
    const body = `8999${String(i).padStart(15, '0')}`;
    return { packageCode: BENCH_PACKAGE, iccid: `${body}${luhnDigit(body)}`, imsi: `99999${String(i).padStart(10, '0')}`, ac: `LPA:1$smdp.bench.invalid$${randomBytes(16).toString('hex').toUpperCase()}` };
  });
}

function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
