import { parseWireTime } from '@esimkit/contract';
import type { ComponentChildren } from 'preact';

// Small pieces shared by the account pages: reading query-string filters, times, byte sizes
// and the links between pages of a list.

/** A whole number from the query string, or undefined when absent or not a number. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name)?.trim();
  if (!text) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? Math.trunc(value) : undefined;
}

/** A decimal from the query string (a price in dollars, gigabytes), or undefined. */
export function queryDecimal(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name)?.trim();
  if (!text) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The query string with some values replaced (undefined drops one): links that keep the filters. */
export function withQuery(path: string, query: URLSearchParams, changes: Record<string, string | number | undefined>): string {
  // Empty fields of a submitted filter form are dropped: they filter nothing.
  const next = new URLSearchParams([...query].filter(([, value]) => value !== ''));
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') next.delete(key);
    else next.set(key, String(value));
  }
  const text = next.toString();
  return text ? `${path}?${text}` : path;
}

/** A time as UTC, to the second: the console shows every time in UTC, as the API does. */
export function utc(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function Time({ at }: { at: Date }) {
  return <time datetime={at.toISOString()}>{utc(at)}</time>;
}

/** A time as the API writes it (`2026-03-14T09:15:03+0000`), shown like every console time; '—' for none. */
export function WireTime({ text }: { text: string | null }) {
  const at = text ? parseWireTime(text) : null;
  return at ? <Time at={at} /> : <>{text ?? '—'}</>;
}


/** Links to the previous and next page of a list, with the filters kept. */
export function Pager(props: { label: string; previous?: string | undefined; next?: string | undefined; previousText?: string; nextText?: string; children?: ComponentChildren }) {
  if (!props.previous && !props.next && !props.children) return null;
  return (
    <nav class="acct-pager" aria-label={props.label}>
      {props.previous ? (
        <a href={props.previous} rel="prev">
          ← {props.previousText ?? 'Previous'}
        </a>
      ) : null}
      {props.children && <span>{props.children}</span>}
      {props.next ? (
        <a href={props.next} rel="next">
          {props.nextText ?? 'Next'} →
        </a>
      ) : null}
    </nav>
  );
}
