import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { UsageRecordInput } from './record-input.js';

// The usage-records CSV of `esimkit usage import` (docs/usage-records.md): a header line
// naming the five columns, in any order, then one record a line. Read as a stream, line by
// line, so a file of any size takes little memory and every problem names its line.

export const USAGE_CSV_COLUMNS = ['record_id', 'iccid', 'bytes', 'period_start', 'period_end'] as const;

/** One data line: a record to import, or why the line cannot be one. */
export type UsageCsvLine = { line: number; record: UsageRecordInput } | { line: number; recordId: string; problem: string };

/**
 * The file's lines, parsed. Throws (before yielding anything) when the file cannot be read
 * or its header is not the five columns; a bad data line is yielded with its problem.
 */
export async function* readUsageCsv(path: string): AsyncGenerator<UsageCsvLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let columns: number[] | undefined;
  let number = 0;
  for await (const raw of lines) {
    number += 1;
    const text = number === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    const fields = splitCsvLine(text);
    if (!columns) {
      columns = headerColumns(fields, number);
      continue;
    }
    yield parseLine(fields, columns, number);
  }
  if (!columns) throw new Error('the file is empty: the first line must be the header record_id,iccid,bytes,period_start,period_end');
}

/** Where each of USAGE_CSV_COLUMNS is in the header. */
function headerColumns(fields: string[] | undefined, line: number): number[] {
  const names = (fields ?? []).map((f) => f.trim().toLowerCase());
  const positions = USAGE_CSV_COLUMNS.map((name) => names.indexOf(name));
  if (names.length !== USAGE_CSV_COLUMNS.length || positions.includes(-1)) {
    throw new Error(`line ${line}: the header must name the columns ${USAGE_CSV_COLUMNS.join(',')} (in any order), found ${names.join(',') || 'nothing'}`);
  }
  return positions;
}

function parseLine(fields: string[] | undefined, columns: number[], line: number): UsageCsvLine {
  if (!fields) return { line, recordId: '', problem: 'a quoted field is not closed' };
  const [recordId, iccid, bytes, periodStart, periodEnd] = columns.map((i) => (fields[i] ?? '').trim()) as [string, string, string, string, string];
  if (fields.length !== USAGE_CSV_COLUMNS.length) return { line, recordId, problem: `${USAGE_CSV_COLUMNS.length} fields expected, found ${fields.length}` };
  if (!/^\d+$/.test(bytes)) return { line, recordId, problem: 'bytes must be a whole number of bytes, 0 or more' };
  const start = parseRecordTime(periodStart);
  const end = parseRecordTime(periodEnd);
  if (start === undefined) return { line, recordId, problem: 'period_start must be ISO 8601 with a zone (2026-03-01T00:00:00Z) or epoch milliseconds' };
  if (end === undefined) return { line, recordId, problem: 'period_end must be ISO 8601 with a zone (2026-03-01T00:00:00Z) or epoch milliseconds' };
  return { line, record: { recordId, iccid, bytes: Number(bytes), periodStart: start, periodEnd: end } };
}

const ISO_WITH_ZONE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)(Z|[+-]\d\d:?\d\d)$/i;

/**
 * A time as epoch milliseconds: digits are epoch milliseconds already; otherwise ISO 8601
 * with a zone (`Z`, `+01:00`, `+0100`). A time without a zone is refused: it would be read
 * in the importing machine's zone, which the network never meant.
 */
export function parseRecordTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const match = ISO_WITH_ZONE.exec(text);
  if (!match) return undefined;
  // Date.parse rolls 30 February over into March: a day the month does not have is refused.
  const [year, month, day] = match[1]!.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const zone = match[2]!.toUpperCase() === 'Z' ? 'Z' : `${match[2]!.slice(0, 3)}:${match[2]!.slice(-2)}`;
  // Date.parse keeps milliseconds only: finer digits are cut, not rounded.
  const ms = Date.parse(`${match[1]!.replace(/(\.\d{3})\d+$/, '$1')}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * One CSV line's fields (RFC 4180 quoting: "a,b" and "" for a quote), or undefined when a
 * quote is left open. A record never spans lines: no field of this format holds a line break.
 */
export function splitCsvLine(text: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}
