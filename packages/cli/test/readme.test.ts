import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { endpoints, extensionEndpoints, sandboxEndpoints } from '@esimkit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectFailure, startTestServer, type TestServer } from '../../server/test/support/harness.js';
import { json, ROOT, runCli } from './support.js';

// The README must work as written in a fresh clone: the catalogue and inventory commands it
// shows run here exactly as printed, on the example files, against a database set up the way
// `npm start` sets one up; and nothing it or docs/ links to lies outside the repository.

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SLOW = 120_000;

/** The lines of the sh block under a `## heading` of the README. */
function shBlockUnder(heading: string): string[] {
  const section = README.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  if (!section) throw new Error(`README has no "## ${heading}" section`);
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README section "${heading}" has no sh block`);
  return block[1]!.split('\n').filter((line) => line.trim() !== '');
}

/** `npx esimkit a b  # comment` to ['a', 'b']. */
function argsOf(line: string): string[] {
  const command = line.replace(/\s+#.*$/, '').trim();
  expect(command, line).toMatch(/^npx esimkit /);
  expect(command, 'no quoting or shell syntax to interpret').not.toMatch(/["'$|;&<>`\\]/);
  return command.split(/\s+/).slice(2);
}

describe('README: catalogue and inventory files', () => {
  const commands = shBlockUnder('Catalogue and inventory files');
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    // What `npm start` leaves behind: a migrated database with the bundled catalogue.
    server = await startTestServer();
    env = { DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' };
  }, SLOW);
  afterAll(() => server?.close());

  it('uses every file in examples/, and every README command on them is in that block', () => {
    for (const file of readdirSync(join(ROOT, 'examples'))) {
      expect(commands.some((line) => line.includes(`examples/${file}`)), file).toBe(true);
    }
    const elsewhere = README.split('\n').filter((line) => /^npx esimkit .*examples\//.test(line));
    const normalise = (line: string) => argsOf(line).join(' ');
    for (const line of elsewhere) expect(commands.map(normalise), line).toContain(normalise(line));
  });

  it('runs the commands exactly as printed, and they do what the README says', async () => {
    for (const line of commands) {
      const run = await runCli(argsOf(line), env);
      expect(run.stderr, line).toBe('');
      expect(run.code, `${line}\n${run.stdout}`).toBe(0);
      expect(run.stdout, line).toMatch(/\S/);
    }

    // The three profiles are in, and the plans of both catalogue files are on sale.
    const levels = json(await runCli(['inventory', 'list', '--json'], env));
    expect(levels).toContainEqual({ packageCode: 'EX-JP-1-7', total: 3, free: 3 });
    const merchant = await server.merchant({ balance: 10_000_000 });
    for (const packageCode of ['EX-JP-5-30', 'EX-TH-1-DAILY', 'EX-US-3-15', 'EX-BNL-3-30', 'EX-KR-2-10', 'EX-SGMY-3-15']) {
      const listed = await call(server, '/api/v1/open/package/list', { packageCode }, { accessCode: merchant.accessCode });
      expect(listed.json.obj?.packageList?.map((p: { packageCode: string }) => p.packageCode), packageCode).toEqual([packageCode]);
    }
    const topups = await call(server, '/api/v1/open/package/list', { type: 'TOPUP', packageCode: 'TOPUP_EX-KR-2-10' }, { accessCode: merchant.accessCode });
    expect(topups.json.obj.packageList.map((p: { packageCode: string }) => p.packageCode)).toContain('TOPUP_EX-KR-2-10');

    // "the fourth order answers 200011"
    const order = (transactionId: string, count: number) =>
      call(server, '/api/v1/open/esim/order', { transactionId, packageInfoList: [{ packageCode: 'EX-JP-1-7', count }] }, { accessCode: merchant.accessCode });
    const first = await order('readme-1', 3);
    expect(first.json, first.text).toMatchObject({ success: true });
    expect(expectFailure(await order('readme-2', 1))).toBe('200011');
  }, SLOW);
});

describe('README and docs/ stand alone in a clone', () => {
  const documents = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  it.each(documents)('%s links only to files of the repository that exist (or to a local server)', (document) => {
    const text = readFileSync(join(ROOT, document), 'utf8');
    expect(text).not.toMatch(/\.\.\/shared\//);
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)|<(https?:\/\/[^>]+)>/g)].map((m) => (m[1] ?? m[2])!);
    for (const target of targets) {
      if (/^https?:/.test(target)) {
        expect(target, `${document} links outside the repository`).toMatch(/^http:\/\/(127\.0\.0\.1|localhost)[:/]/);
        continue;
      }
      const path = resolve(dirname(join(ROOT, document)), target.replace(/#.*$/, ''));
      expect(relative(ROOT, path).startsWith('..'), `${document}: ${target} is outside the repository`).toBe(false);
      expect(existsSync(path), `${document}: ${target} does not exist`).toBe(true);
    }
  });

  it('docs/api.md names every endpoint', () => {
    const text = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    for (const ep of [...endpoints, ...extensionEndpoints, ...sandboxEndpoints]) {
      const short = ep.path.replace(/^\/(api\/v1\/(open|esimkit)|sandbox\/v1)\//, '');
      expect(text, ep.path).toContain(`\`${short}\``);
    }
  });
});
