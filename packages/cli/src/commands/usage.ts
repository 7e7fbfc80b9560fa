import { access, constants } from 'node:fs/promises';
import { readUsageCsv, type UsageRecordInput } from '@esimkit/server';
import type { Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson } from '../output.js';
import { URL_OPTION, withOperatorTarget, type OperatorTarget, type RemoteOption } from '../operator-target.js';

/** Rejected lines printed without --json; the rest are counted. */
const SHOWN = 100;
/** Exit code when the file was imported but some lines were rejected (1 is "nothing imported"). */
export const SOME_REJECTED_EXIT = 3;

interface RejectedLine {
  line: number;
  recordId: string;
  reason: string;
}

interface FileSummary {
  accepted: number;
  duplicates: number;
  rejected: RejectedLine[];
}

/**
 * Operator command for usage the network reports: docs/usage-records.md. `esimkit usage
 * <esimTranNo...>` is the partner's usage query (commands/partner.ts), so `import` joins that
 * command as its subcommand (an esimTranNo is digits, never "import"); register this after
 * the partner commands. Options after `import FILE` that the partner command also has
 * (`--json`) are parsed by it, hence optsWithGlobals.
 */
export function registerUsageCommands(program: Command): void {
  const usage =
    program.commands.find((c) => c.name() === 'usage') ?? withExamples(program.command('usage').description('usage records from the network'), 'esimkit usage import usage.csv');
  withExamples(
    usage.command('import <file>'),
    'esimkit usage import usage.csv          # header: record_id,iccid,bytes,period_start,period_end',
    'esimkit usage import usage.csv --json   # again: every record a duplicate',
    'esimkit usage import usage.csv --url https://esim.example.com   # with ESIMKIT_OPERATOR_TOKEN set: 5,000 records a request',
  )
    .description('apply usage records from a CSV (record_id, iccid, bytes, period_start, period_end); a record id already imported changes nothing')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async function (this: Command, file: string) {
      const options = this.optsWithGlobals<RemoteOption & { json?: boolean }>();
      await access(file, constants.R_OK).catch((error: Error) => fail(`cannot import ${file}: ${error.message}`));
      const summary = await withOperatorTarget(options, (target) => importUsageFile(target, file)).catch((error: Error) => fail(`cannot import ${file}: ${error.message}`));
      if (options.json) printJson(summary);
      else printSummary(file, summary);
      if (summary.rejected.length > 0) process.exitCode = SOME_REJECTED_EXIT;
    });
}

/**
 * Streams the file into the target a batch at a time (its usageBatchSize), and names each rejected line.
 * A chunk never holds one record id twice (a repeat starts the next chunk), so each rejection
 * the domain answers by record id belongs to exactly one line.
 */
async function importUsageFile(target: OperatorTarget, file: string): Promise<FileSummary> {
  const summary: FileSummary = { accepted: 0, duplicates: 0, rejected: [] };
  let chunk = new Map<string, { line: number; record: UsageRecordInput }>();
  const flush = async () => {
    if (chunk.size === 0) return;
    const result = await target.importUsageRecords([...chunk.values()].map((c) => c.record));
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    for (const { recordId, reason } of result.rejected) summary.rejected.push({ line: chunk.get(recordId)?.line ?? 0, recordId, reason });
    chunk = new Map();
  };
  for await (const item of readUsageCsv(file)) {
    if ('problem' in item) {
      summary.rejected.push({ line: item.line, recordId: item.recordId, reason: item.problem });
      continue;
    }
    if (chunk.has(item.record.recordId) || chunk.size >= target.usageBatchSize) await flush();
    chunk.set(item.record.recordId, item);
  }
  await flush();
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

function printSummary(file: string, summary: FileSummary): void {
  const count = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const out = [
    `${file}: ${count(summary.accepted, 'record')} accepted, ${count(summary.duplicates, 'duplicate')}, ${summary.rejected.length.toLocaleString('en-US')} rejected.`,
  ];
  for (const r of summary.rejected.slice(0, SHOWN)) out.push(`  line ${r.line}${r.recordId ? ` (${r.recordId})` : ''}: ${r.reason}`);
  if (summary.rejected.length > SHOWN) out.push(`  ... and ${(summary.rejected.length - SHOWN).toLocaleString('en-US')} more (--json lists them all)`);
  process.stdout.write(`${out.join('\n')}\n`);
}
