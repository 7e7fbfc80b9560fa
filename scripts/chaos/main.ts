import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkRun, drained } from './checks.js';
import { signedPost, type Credentials } from './client.js';
import { freshDatabase, type ChaosDatabase } from './database.js';
import { buildEsimkit, esimkitJson } from './esimkit.js';
import { Instance } from './instances.js';
import { importInventory } from './inventory.js';
import { Killer } from './killer.js';
import { Load, type Offer } from './load.js';
import { parseOptions } from './options.js';
import { freePort } from './ports.js';
import { seededRandom } from './random.js';
import { startReceiver, type WebhookReceiver } from './receiver.js';

// `npm run chaos -- --database sqlite|postgres [--instances N] ...`: orders under load while
// server processes are killed with SIGKILL and restarted, every order retried with its
// transactionId until answered; then, once the last jobs have run, checks that nothing was
// lost or done twice (checks.ts). Exits 1 on any violation. docs/reliability.md records runs.

const options = parseOptions(process.argv.slice(2));
const random = seededRandom(options.seed);
const runId = randomBytes(3).toString('hex');
const logDir = mkdtempSync(join(tmpdir(), 'esimkit-chaos-logs-'));
const OPENING_BALANCE = 1_000_000_000_000; // $100,000,000: the load never runs the balance out
const SLUGS = ['JP_1_7', 'FR_1_7', 'US_1_7', 'TH_3_30'];

const instances: Instance[] = [];
let db: ChaosDatabase | undefined;
let receiver: WebhookReceiver | undefined;
let cleaning = false;

function say(line: string): void {
  console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** Nothing may outlive the tool: on Ctrl-C, an error or the end, every server is killed. */
async function cleanUp(keepDatabase: boolean): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  for (const instance of instances) instance.killNow();
  for (const instance of instances) instance.closeLog();
  await receiver?.close();
  await db?.close();
  if (db && !keepDatabase) await db.drop().catch((error) => say(`could not drop the database: ${error}`));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping every process started; server logs kept in ${logDir}`);
    void cleanUp(options.keep).finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  for (const instance of instances) instance.killNow();
});

async function main(): Promise<number> {
  say(`seed ${options.seed}, ${options.database}, ${options.instances} instance(s), ${options.duration} s, concurrency ${options.concurrency}, a kill every ~${options.killEvery} s`);
  say('building esimkit from the sources (packages/cli/build.mjs --merge)');
  buildEsimkit();
  db = await freshDatabase(options);
  receiver = await startReceiver();
  say(`database ${db.label}; logs in ${logDir}`);

  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    ESIMKIT_MODE: options.mode,
    LOG_LEVEL: 'warn',
    ALLOCATION_DELAY_MS: String(options.allocationDelayMs),
    WEBHOOK_ALLOW_PRIVATE: 'on',
    // Production mode seals the merchants' secrets with a key of the operator's (docs/secrets.md).
    ...(options.mode === 'production' ? { ESIMKIT_SECRET_KEY: process.env.ESIMKIT_SECRET_KEY ?? randomBytes(32).toString('hex') } : {}),
    // Several instances share rate limits and the replay window through Redis.
    ...(options.instances > 1 ? { REDIS_URL: options.redisUrl } : {}),
  };
  esimkitJson(['migrate'], env);
  const created = esimkitJson<{ id: number; accessCode: string; secretKey: string; balance: number }>(
    ['merchant', 'create', '--name', `chaos-${runId}`, '--balance', String(OPENING_BALANCE), '--rate-limit', '0', '--signature', 'required'],
    env,
  );
  const credentials: Credentials = { accessCode: created.accessCode, secretKey: created.secretKey };
  if (options.mode === 'production') {
    say(`importing ${options.inventory} profiles for each of ${SLUGS.join(', ')}`);
    importInventory(SLUGS, options.inventory, logDir, env);
  }

  for (let i = 0; i < options.instances; i++) {
    const instance = new Instance(i, await freePort(), { env, logDir });
    instances.push(instance);
    await instance.start();
  }
  const first = instances[0]!;
  const saved = await signedPost(first.baseUrl, '/api/v1/open/webhook/save', { webhook: receiver.url }, credentials, 15_000);
  if (saved.kind !== 'envelope' || !saved.success) throw new Error(`webhook/save failed: ${JSON.stringify(saved)}`);
  const offers: Offer[] = [];
  for (const slug of SLUGS) {
    const listed = await signedPost(first.baseUrl, '/api/v1/open/package/list', { slug }, credentials, 15_000);
    const item = listed.kind === 'envelope' && listed.success ? listed.obj?.packageList?.[0] : undefined;
    if (item) offers.push({ packageCode: item.packageCode, price: item.price });
  }
  if (offers.length === 0) throw new Error(`none of ${SLUGS.join(', ')} is in the catalogue`);

  const load = new Load(instances, credentials, offers, random, runId);
  const killer = new Killer(instances, options.killEvery, random);
  const started = Date.now();
  say(`load on ${instances.map((i) => i.baseUrl).join(', ')}`);
  const loading = load.run(options.concurrency);
  const killing = killer.run();
  const progress = setInterval(() => {
    const answered = load.orders.filter((o) => o.orderNo).length;
    say(`${Math.round((Date.now() - started) / 1000)} s: ${answered} orders accepted, ${instances.reduce((n, i) => n + i.kills, 0)} kills`);
  }, 15_000);
  await sleep(options.duration * 1000);
  load.stop();
  killer.stop();
  await killing;
  clearInterval(progress);
  for (const instance of instances) if (!instance.ready && instance.unexpectedExits.length === 0) await instance.start();
  await loading;
  const loadSeconds = (Date.now() - started) / 1000;
  say(`load stopped after ${loadSeconds.toFixed(0)} s; asking again for 50 answered orders with their transactionId`);
  await load.replayAnswered(50);

  say('waiting for the last allocations and webhooks (a job leased by a killed process is taken again after its 30 s lease)');
  const drainStart = Date.now();
  let isDrained = false;
  while (Date.now() - drainStart < 180_000) {
    if (await drained(db, created.id, load.orders, receiver)) {
      isDrained = true;
      break;
    }
    await sleep(1000);
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;
  for (const instance of instances) await instance.stop();

  const result = await checkRun({ db, merchantId: created.id, openingBalance: OPENING_BALANCE, orders: load.orders, receiver });
  const violations = [...result.violations];
  if (!isDrained) violations.push('not drained within 180 s after the load (allocations or webhooks still pending)');
  for (const instance of instances) violations.push(...instance.unexpectedExits);
  violations.push(...killer.restartFailures.map((m) => `restart failed: ${m}`));
  const unanswered = load.unanswered();
  if (unanswered.length > 0) violations.push(`${unanswered.length} orders never got an answer (e.g. ${unanswered[0]!.transactionId})`);
  const fiveHundreds = [...load.stats.httpErrors].filter(([status]) => status >= 500);
  if (fiveHundreds.length > 0) violations.push(`5xx answers: ${fiveHundreds.map(([s, n]) => `${n} x ${s}`).join(', ')}`);
  const otherHttp = [...load.stats.httpErrors].filter(([status]) => status < 500);
  if (otherHttp.length > 0) violations.push(`answers that were not the envelope: ${otherHttp.map(([s, n]) => `${n} x ${s}`).join(', ')}`);
  const internal = load.stats.codes.get('000001') ?? 0;
  if (internal > 0) violations.push(`${internal} answers 000001 (internal error)`);
  violations.push(...load.stats.unexpected.slice(0, 10).map((u) => `unexpected answer: ${u}`));

  const accepted = load.orders.filter((o) => o.orderNo);
  const refused = load.orders.filter((o) => o.refusal);
  const esimsOrdered = accepted.reduce((n, o) => n + o.count, 0);
  const summary = {
    database: options.database,
    mode: options.mode,
    instances: options.instances,
    seed: options.seed,
    loadSeconds: Math.round(loadSeconds),
    drainSeconds: Math.round(drainSeconds),
    kills: instances.reduce((n, i) => n + i.kills, 0),
    ordersPlaced: load.orders.length,
    ordersAccepted: accepted.length,
    ordersRefused: refused.length,
    esimsOrdered,
    requests: load.stats.requests,
    retries: load.stats.retries,
    ordersAnsweredOnARetry: load.stats.ordersRetried,
    networkErrors: load.stats.networkErrors,
    timeouts: load.stats.timeouts,
    answers: Object.fromEntries(load.stats.codes),
    ...result.figures,
    violations: violations.length,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (violations.length > 0) {
    console.log(`FAILED: ${violations.length} violation(s)`);
    for (const v of violations) console.log(`  - ${v}`);
    say(`the database is kept for a look: ${db.label}; server logs in ${logDir}`);
    await cleanUp(true);
    return 1;
  }
  console.log('OK: every accepted order allocated once with its eSIMs, no ICCID twice, each transactionId one order and one charge, balance = ledger = opening - orders, every ORDER_STATUS delivered, no 5xx, no crash');
  await cleanUp(options.keep);
  if (!options.keep) rmSync(logDir, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    // After Ctrl-C the servers were killed under main's feet: its error says nothing new.
    if (cleaning) return;
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    say(`server logs in ${logDir}`);
    await cleanUp(options.keep);
    process.exit(1);
  },
);
