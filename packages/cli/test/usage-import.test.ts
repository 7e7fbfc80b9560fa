import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProfile } from '@esimkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestServer } from '../../server/test/support/harness.js';
import { as, esimIdOf, esimPaths, expectSuccess, orderOne, startEsimServer, type Merchant } from '../../server/test/support/orders.js';
import { runCli, type Run } from './support.js';

// `esimkit usage import FILE` as an operator runs it: a child process on the database a real
// server (in this process) serves, so what it applied shows in the partner's esim/query.
const SLOW = 120_000;
let server: TestServer;
let merchant: Merchant;
let dir: string;

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 100_000_000 });
  dir = mkdtempSync(join(tmpdir(), 'esimkit-usage-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function importFile(name: string, text: string, ...flags: string[]): Promise<Run> {
  const path = join(dir, name);
  writeFileSync(path, text);
  return runCli(['usage', 'import', path, ...flags], { DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent', SEED_CATALOG: 'none' });
}

async function inUse(slug = 'JP_3_15'): Promise<any> {
  const esim = await orderOne(server, merchant, slug);
  await installProfile(server.runtime.ctx, await esimIdOf(server, esim.esimTranNo));
  // Allocated a day ago, so records of the last hour's periods are its own.
  await server.runtime.ctx.db.kysely.updateTable('esims').set({ created_at: Date.now() - 86_400_000 }).where('esim_tran_no', '=', esim.esimTranNo).execute();
  return esim;
}

async function orderUsage(esimTranNo: string): Promise<number> {
  return expectSuccess(await call(server, esimPaths.query, { esimTranNo }, as(merchant))).esimList[0].orderUsage;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('esimkit usage import', () => {
  it('applies good lines, names each bad line, and a second run finds every record a duplicate', { timeout: SLOW }, async () => {
    const a = await inUse();
    const b = await inUse();
    const t = Date.now() - 3600_000;
    const csv = [
      'record_id,iccid,bytes,period_start,period_end',
      `r-1,${a.iccid},1000,${iso(t)},${iso(t + 60_000)}`,
      `r-2,${a.iccid}F,2000,${t},${t + 60_000}`,
      '',
      `"r-3",${b.iccid},"3000",2026-01-01T01:00:00+01:00,${iso(t)}`,
      `r-4,8999999999999999999,10,${iso(t)},${iso(t)}`,
      `r-5,${b.iccid},12.5,${iso(t)},${iso(t)}`,
      `r-6,${b.iccid},100`,
      `r-7,${b.iccid},100,2026-01-01T00:00:00,${iso(t)}`,
      `r-8,${b.iccid},400,${iso(t)},${iso(t - 1)}`,
      `r-9,${b.iccid},5000,${t - 120_000},${t - 60_000}`,
    ].join('\r\n');
    const first = await importFile('mixed.csv', csv);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(3);
    expect(first.stdout).toBe(
      [
        `${join(dir, 'mixed.csv')}: 4 records accepted, 0 duplicates, 5 rejected.`,
        '  line 6 (r-4): unknown ICCID',
        '  line 7 (r-5): bytes must be a whole number of bytes, 0 or more',
        '  line 8 (r-6): 5 fields expected, found 3',
        '  line 9 (r-7): period_start must be ISO 8601 with a zone (2026-03-01T00:00:00Z) or epoch milliseconds',
        '  line 10 (r-8): periodEnd is before periodStart',
        '',
      ].join('\n'),
    );
    expect(await orderUsage(a.esimTranNo)).toBe(3000);
    expect(await orderUsage(b.esimTranNo)).toBe(8000);

    const again = await importFile('mixed.csv', csv, '--json');
    expect(again.code).toBe(3);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ accepted: 0, duplicates: 4 });
    expect(summary.rejected.map((r: any) => [r.line, r.recordId])).toEqual([
      [6, 'r-4'],
      [7, 'r-5'],
      [8, 'r-6'],
      [9, 'r-7'],
      [10, 'r-8'],
    ]);
    expect(await orderUsage(a.esimTranNo)).toBe(3000);
    expect(await orderUsage(b.esimTranNo)).toBe(8000);
  });

  it('a clean file exits 0; thousands of lines across chunks, a record repeated across them, add up once', { timeout: SLOW }, async () => {
    const esim = await inUse('JP_50_180');
    const t = Date.now() - 600_000;
    const lines = Array.from({ length: 2_345 }, (_, i) => `big-${i},${esim.iccid},${1000 + i},${t},${t + 1000}`);
    lines.splice(1_200, 0, `big-7,${esim.iccid},999999,${t},${t + 1000}`); // a repeat, two chunks after the first
    const run = await importFile('big.csv', ['period_end,period_start,bytes,iccid,record_id', ...lines.map((l) => l.split(',').reverse().join(','))].join('\n'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${join(dir, 'big.csv')}: 2,345 records accepted, 1 duplicate, 0 rejected.\n`);
    const expected = Array.from({ length: 2_345 }, (_, i) => 1000 + i).reduce((s, n) => s + n, 0);
    expect(await orderUsage(esim.esimTranNo)).toBe(expected);

    const again = await importFile('big.csv', ['period_end,period_start,bytes,iccid,record_id', ...lines.map((l) => l.split(',').reverse().join(','))].join('\n'), '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 2_346, rejected: [] });
    expect(await orderUsage(esim.esimTranNo)).toBe(expected);
  });

  it('a file it cannot read, or whose header is not the five columns, imports nothing: one line, exit 1', { timeout: SLOW }, async () => {
    const esim = await inUse();
    const [missing, header, empty] = await Promise.all([
      runCli(['usage', 'import', join(dir, 'nope.csv')], { DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent', SEED_CATALOG: 'none' }),
      importFile('header.csv', `record,iccid,bytes,period_start,period_end\nx-1,${esim.iccid},5,${Date.now()},${Date.now()}\n`),
      importFile('empty.csv', '\n\n'),
    ]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^error: cannot import .*nope\.csv: ENOENT/);
    expect(header).toMatchObject({ code: 1, stdout: '' });
    expect(header.stderr).toBe(
      `error: cannot import ${join(dir, 'header.csv')}: line 1: the header must name the columns record_id,iccid,bytes,period_start,period_end (in any order), found record,iccid,bytes,period_start,period_end\n`,
    );
    expect(empty).toMatchObject({ code: 1, stdout: '' });
    expect(empty.stderr).toMatch(/the file is empty/);
    expect(await orderUsage(esim.esimTranNo)).toBe(0);
  });
});
