import type { ComponentChildren } from 'preact';
import { Field, SelectField } from '../../components.js';
import * as shared from '../../parts/lists.js';
import { pageLinks } from '../../parts/lists.js';
import type { View } from '../../routes.js';

export { formatTime } from '../../parts/lists.js';

// Small pieces the operator pages share: times, money typed in dollars, list filters kept in
// the query string, paging, and the answer to a form that cannot be done.

export const OP_PAGE_SIZE = 50;

/** A duration in words, coarsely: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * Dollars as an operator types them (`50`, `12.5`, `-3.2500`, `$4.50`) to units (1/10,000
 * USD). Anything else is NaN, which the verb refuses with its own code and message, as the
 * API would.
 */
export function dollarsToUnits(text: string | null): number {
  const match = /^\s*(-)?\s*\$?\s*(\d{1,12})(?:\.(\d{1,4}))?\s*$/.exec(text ?? '');
  if (!match) return Number.NaN;
  const units = Number(match[2]) * 10_000 + Number((match[3] ?? '').padEnd(4, '0'));
  return match[1] ? -units : units;
}

/** Units as the value of a dollars input (`4.5`), the inverse of dollarsToUnits. */
export function unitsToDollars(units: number): string {
  return String(units / 10_000);
}

/** A form that cannot be done as sent (no file, a missing reason): the page says why, with 422. */
export function refused(message: ComponentChildren, title = 'Refused'): View {
  return { kind: 'view', title, body: message, status: 422, error: true };
}

/** A detail page of something that does not exist (a stale link): 404 with what was asked for. */
export function notFound(message: ComponentChildren): View {
  return { kind: 'view', title: 'Not found', body: message, status: 404, error: true };
}

/** The page number of a list (`?page=`), 1 when absent or not a number. */
export function pageNumber(query: URLSearchParams): number {
  return shared.pageNumber(query, 1_000_000);
}

/** A positive whole number from the query string (a merchant id), or undefined. */
export function idParam(text: string | null | undefined): number | undefined {
  const n = Number(text);
  return text && /^\d{1,15}$/.test(text) && Number.isSafeInteger(n) ? n : undefined;
}

/** A GET form of list filters: results are linkable, the filters are the URL. */
export function Filters(props: { action: string; label: string; children: ComponentChildren; active: boolean }) {
  return (
    <form method="get" action={props.action} class="op-filters" role="search" aria-label={props.label}>
      {props.children}
      <div class="op-filter-buttons">
        <button type="submit">Show</button>
        {props.active && <a href={props.action}>Clear filters</a>}
      </div>
    </form>
  );
}

/** A labelled <select>; `value` is selected. Options are [value, label]. */
export function Select(props: { label: string; name: string; value: string; options: readonly (readonly [string, string])[] }) {
  return <SelectField label={props.label} name={props.name} value={props.value} options={props.options.map(([value, label]) => ({ value, label }))} />;
}

/** Previous/next links that keep the list's filters. */
export function Pages(props: { path: string; query: URLSearchParams; pageNum: number; pageSize: number; total: number; noun: string }) {
  const { pages, shown, previous, next } = pageLinks(props);
  return (
    <nav class="op-pages" aria-label={`Pages of ${props.noun}`}>
      <span>
        Page {shown} of {pages} · {props.total} {props.noun}
      </span>
      {previous && (
        <a href={previous} rel="prev">
          Previous page
        </a>
      )}
      {next && (
        <a href={next} rel="next">
          Next page
        </a>
      )}
    </nav>
  );
}

/** A table row saying the list is empty. */
export function NoRows({ columns, children }: { columns: number; children: ComponentChildren }) {
  return (
    <shared.EmptyRow columns={columns} class="op-empty">
      {children}
    </shared.EmptyRow>
  );
}

/** Facts about one thing, as a description list (label, value). */
export function Facts({ items }: { items: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <dl class="op-facts">
      {items.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/** The merchant filter of the cross-merchant lists: every merchant by name. */
export function merchantOptions(merchants: readonly { id: number; name: string }[]): [string, string][] {
  return [['', 'Any merchant'], ...merchants.map((m): [string, string] => [String(m.id), m.name])];
}

/** The `?merchant=` select of a cross-merchant list, the chosen one selected. */
export function MerchantSelect({ merchants, value }: { merchants: readonly { id: number; name: string }[]; value: number | undefined }) {
  return <Select label="Merchant" name="merchant" value={value === undefined ? '' : String(value)} options={merchantOptions(merchants)} />;
}

/** The `?status=` select of a list: any status, or one of these. */
export function StatusSelect({ statuses, value }: { statuses: readonly string[]; value: string | undefined }) {
  return <Select label="Status" name="status" value={value ?? ''} options={[['', 'Any status'], ...statuses.map((s): [string, string] => [s, s])]} />;
}

/** A merchant's name, linked to their operator page. */
export function MerchantLink({ id, name }: { id: number; name: string }) {
  return <a href={`/console/operator/merchants/${id}`}>{name}</a>;
}

/**
 * The filters of a cross-merchant list (orders, eSIMs) as its query string holds them: a
 * merchant, one of `statuses`, part of a number (`q`), the page; `filtered` when any is set.
 */
export function crossMerchantQuery<S extends string>(query: URLSearchParams, statuses: readonly S[]) {
  const merchantId = idParam(query.get('merchant'));
  const status = statuses.find((s) => s === query.get('status'));
  const search = query.get('q')?.trim() ?? '';
  return { merchantId, status, search, pageNum: pageNumber(query), filtered: merchantId !== undefined || status !== undefined || search !== '' };
}

/** The filter form of a cross-merchant list: a merchant, a status, part of a number (`q`). */
export function CrossMerchantFilters(props: {
  action: string;
  label: string;
  merchants: readonly { id: number; name: string }[];
  statuses: readonly string[];
  searchLabel: string;
  query: { merchantId: number | undefined; status: string | undefined; search: string; filtered: boolean };
}) {
  return (
    <Filters action={props.action} label={props.label} active={props.query.filtered}>
      <MerchantSelect merchants={props.merchants} value={props.query.merchantId} />
      <StatusSelect statuses={props.statuses} value={props.query.status} />
      <Field label={props.searchLabel} name="q" type="search" value={props.query.search} />
    </Filters>
  );
}
