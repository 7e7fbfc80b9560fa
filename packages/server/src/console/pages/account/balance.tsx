import { formatUnits } from '@esimkit/contract';
import { queryBalance } from '../../../domain/balance/query.js';
import { ledgerStatement, type StatementLine, type StatementQuery } from '../../../domain/balance/statement.js';
import { Field, Stat } from '../../components.js';
import { file, page, view } from '../../routes.js';
import { Pager, queryInt, Time, withQuery } from './parts.js';

// The balance statement: the merchant's ledger, newest first, each entry with the balance just
// after it, filtered by date (UTC days, both ends included), and the same entries as CSV
// (oldest first, for a spreadsheet). Read through ledgerStatement: balances follow the order
// entries were posted in, so the newest line's balance is what balance/query answers.

const DAY_MS = 24 * 3600_000;

/** `from`/`to` (YYYY-MM-DD, UTC) as a time range; `to` includes its whole day. */
function rangeOf(query: URLSearchParams): Pick<StatementQuery, 'from' | 'to'> {
  const day = (name: string) => {
    const text = query.get(name) ?? '';
    if (!/^\d{4}-\d\d-\d\d$/.test(text)) return undefined;
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const to = day('to');
  return { from: day('from'), to: to === undefined ? undefined : to + DAY_MS };
}

/** Units as USD with all four decimals, no currency sign: what a spreadsheet sums exactly. */
export function usd4(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

/** One CSV field: quoted when needed; text a spreadsheet would run as a formula is defused. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function statementCsv(lines: StatementLine[]): string {
  const header = ['id', 'time_utc', 'kind', 'reference', 'note', 'amount_usd', 'balance_usd'];
  const rows = lines.map((l) => [String(l.id), l.at.toISOString(), csvField(l.kind), csvField(l.reference ?? ''), csvField(l.note ?? ''), usd4(l.amount), usd4(l.balance)]);
  return [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

export const balanceRoutes = [
  page('/console/balance', { auth: 'merchant' }, async (c) => {
    const range = rangeOf(c.query);
    const [balance, statement] = await Promise.all([
      queryBalance({ ctx: c.merchant }),
      ledgerStatement({ ctx: c.merchant, input: { ...range, page: queryInt(c.query, 'page') ?? 1, pageSize: 50 } }),
    ]);
    const csvLink = withQuery('/console/balance.csv', c.query, { page: undefined });
    return view(
      'Balance',
      <>
        <dl class="stats">
          <Stat label="Balance" value={formatUnits(balance.balance)} />
          <Stat label="Entries shown" value={statement.total} />
        </dl>
        <form method="get" action="/console/balance" class="acct-filters" aria-label="Statement dates">
          <Field label="From (UTC day)" name="from" type="date" value={c.query.get('from') ?? ''} />
          <Field label="To (UTC day, included)" name="to" type="date" value={c.query.get('to') ?? ''} />
          <div class="acct-actions">
            <button type="submit">Show entries</button>
            <a href={csvLink} download hx-boost="false">
              Download CSV
            </a>
          </div>
        </form>
        <h2 id="entries">
          Ledger entries{statement.pages > 1 && ` · page ${statement.page} of ${statement.pages}`}
        </h2>
        {statement.lines.length === 0 ? (
          <p>No ledger entry in this period.</p>
        ) : (
          <div class="table-wrap">
            <table class="acct-table" aria-labelledby="entries">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Note</th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                  <th scope="col" class="num">
                    Balance after
                  </th>
                </tr>
              </thead>
              <tbody>
                {statement.lines.map((l) => (
                  <tr>
                    <td>
                      <Time at={l.at} />
                    </td>
                    <td>{l.kind}</td>
                    <td>{l.reference ? <code>{l.reference}</code> : ''}</td>
                    <td>{l.note ?? ''}</td>
                    <td class="num">{formatUnits(l.amount)}</td>
                    <td class="num">{formatUnits(l.balance)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          label="Pages of entries"
          previousText="Newer"
          nextText="Older"
          previous={statement.page > 1 ? withQuery(c.path, c.query, { page: statement.page - 1 }) : undefined}
          next={statement.page < statement.pages ? withQuery(c.path, c.query, { page: statement.page + 1 }) : undefined}
        />
      </>,
    );
  }),

  page('/console/balance.csv', { auth: 'merchant' }, async (c) => {
    const statement = await ledgerStatement({ ctx: c.merchant, input: rangeOf(c.query) });
    const day = (at: Date) => at.toISOString().slice(0, 10);
    const name = `ledger-${c.merchant.merchant.access_code.slice(0, 8)}-${c.query.get('from') || 'start'}-to-${c.query.get('to') || day(new Date())}.csv`;
    return file(name, 'text/csv; charset=utf-8', statementCsv(statement.lines));
  }),
];
