import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@esimkit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { json, runCli } from './support.js';

// `esimkit webhook secret rotate|disable` through the API, `show` from the database; the
// secret printed is the one deliveries are signed with.
const SLOW = 120_000;

let server: TestServer;
let env: Record<string, string>;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { SEED_CATALOG: 'none' } });
  const merchant = await server.merchant();
  env = { ESIMKIT_BASE_URL: server.baseUrl, ESIMKIT_ACCESS_CODE: merchant.accessCode, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' };
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await server?.close();
});

describe('webhook secret', () => {
  it('show, rotate, rotate again with an overlap, disable', { timeout: SLOW }, async () => {
    expect((await runCli(['webhook', 'secret', 'show'], env)).stdout).toBe('Webhook signing is off (turn it on: esimkit webhook secret rotate).\n');

    const first = await runCli(['webhook', 'secret', 'rotate'], env);
    expect(first.stderr).toBe('');
    const secret = /^Webhook signing secret: (whsec_\S+)$/m.exec(first.stdout)?.[1];
    expect(secret, first.stdout).toBeDefined();
    expect(first.stdout).not.toContain('previous secret');
    expect(json(await runCli(['webhook', 'secret', 'show', '--json'], env))).toEqual({
      accessCode: env.ESIMKIT_ACCESS_CODE,
      signing: true,
      secret,
      previousSecret: null,
      previousValidUntil: null,
    });

    // Deliveries are signed with the secret printed.
    received.length = 0;
    expect(json(await runCli(['webhook', 'set', receiverUrl, '--json'], env))).toEqual({ webhook: receiverUrl });
    const check = received.find((r) => r.body.includes('CHECK_HEALTH'));
    expect(check).toBeDefined();
    expect(verifyWebhook(secret!, check!.headers, check!.body)).toBe(true);

    const second = json(await runCli(['webhook', 'secret', 'rotate', '--overlap', '3600', '--json'], env));
    expect(second.secret).toMatch(/^whsec_/);
    expect(second.secret).not.toBe(secret);
    const until = Date.parse(second.previousValidUntil.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    expect(Math.abs(until - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    const shown = await runCli(['webhook', 'secret', 'show'], env);
    expect(shown.stdout).toBe(`Webhook signing secret: ${second.secret}\nPrevious secret, signing until ${second.previousValidUntil}: ${secret}\n`);

    const disabled = await runCli(['webhook', 'secret', 'disable'], env);
    expect(disabled.stdout).toBe('Webhook signing is off.\n');
    expect(json(await runCli(['webhook', 'secret', 'show', '--json'], env))).toMatchObject({ signing: false, secret: null, previousSecret: null });
  });

  it('refuses a bad overlap, an unknown merchant, and no access code', { timeout: SLOW }, async () => {
    const [overlap, unknown, none] = await Promise.all([
      runCli(['webhook', 'secret', 'rotate', '--overlap', '1h'], env),
      runCli(['webhook', 'secret', 'show', '--access-code', 'nope'], env),
      runCli(['webhook', 'secret', 'show'], { ...env, ESIMKIT_ACCESS_CODE: '' }),
    ]);
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toMatch(/--overlap.*'1h' is invalid.*whole seconds/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: no merchant with access code nope\n');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: no access code\nhint: pass --access-code/);
  });
});
