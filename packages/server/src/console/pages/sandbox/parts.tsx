import type { Endpoint } from '@esimkit/contract';
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { z } from 'zod';
import { sandboxOf } from '../../../domain/sandbox/clock.js';
import { ApiError } from '../../../domain/errors.js';
import { parseInput } from '../../../http/parse-input.js';
import { Field, Notice } from '../../components.js';
import type { MerchantPageContext } from '../../routes.js';

// What the sandbox panel's sections share: the production-mode refusal, reading a form the
// way the sandbox API reads its JSON body, the panel's URL with what was just done, and a
// labelled input with its own id (several forms on the page have a `message` field).

export const PANEL = '/console/sandbox';

/**
 * Outside sandbox mode the sandbox API is not served: its paths answer 000103. Every panel
 * route refuses the same way, before reading or changing anything.
 */
export function requireSandbox(c: MerchantPageContext): void {
  if (c.ctx.config.mode !== 'sandbox') throw new ApiError('000103', 'The sandbox API is served only in sandbox mode.');
  sandboxOf(c.merchant);
}

/**
 * A form's fields read by the sandbox API's own parser (the contract's schema): a value the
 * API would refuse is refused with the same code and message. Blank fields are "not given".
 */
export function readAs<E extends Endpoint>(endpoint: E, body: Record<string, unknown>): z.output<E['request']> {
  return parseInput(endpoint, Buffer.from(JSON.stringify(body)));
}

/**
 * A number typed in a form: blank is "not given", digits become a number, anything else is
 * passed on as typed so the API's parser names the field and refuses it.
 */
export function numberField(raw: string | null | undefined): number | string | undefined {
  const text = (raw ?? '').trim();
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** The eSIM reference a form carries: ICCIDs are 18-20 digits (an F may end them), esimTranNos shorter. */
export function esimRef(raw: string | null | undefined): { esimTranNo?: string; iccid?: string } {
  const text = (raw ?? '').trim();
  if (text === '') return {};
  return /^\d{18,20}[fF]?$/.test(text) ? { iccid: text } : { esimTranNo: text };
}

/**
 * The panel after an action (post/redirect/get): the eSIM still picked, `done` naming what
 * was done (the notice at the top), its figures, and the section to scroll to.
 */
export function panelUrl(options: { esim?: string | undefined; done?: string; figures?: Record<string, string | number | boolean>; section?: string }): string {
  const q = new URLSearchParams();
  if (options.esim) q.set('esim', options.esim);
  if (options.done) q.set('done', options.done);
  for (const [key, value] of Object.entries(options.figures ?? {})) q.set(key, String(value));
  const query = q.toString();
  return `${PANEL}${query ? `?${query}` : ''}${options.section ? `#${options.section}` : ''}`;
}

/** A labelled input; `id` given by the caller, unique on the page (the console's Field with its id required). */
export function Input(props: Parameters<typeof Field>[0] & { id: string }) {
  return <Field {...props} />;
}

/** What the action just done did, and the section it belongs to (where its notice is shown). */
export interface Done {
  section: string;
  text: string;
}
export const DoneContext = createContext<Done | undefined>(undefined);

/**
 * A section of the panel with its h2, linkable by its id. Its forms' answers (htmx) scroll
 * back to the section, not to the top of the page, unless `stay` is false; the notice of an
 * action done in it is shown under its heading, beside the forms.
 */
export function Section(props: { id: string; title: string; stay?: boolean; children: ComponentChildren }) {
  const done = useContext(DoneContext);
  return (
    <section
      id={props.id}
      aria-labelledby={`${props.id}-title`}
      class="sandbox-section"
      hx-swap={props.stay === false ? undefined : `innerHTML show:#${props.id}:top`}
    >
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {done?.section === props.id && <Notice>{done.text}</Notice>}
      {props.children}
    </section>
  );
}

/** Bytes as MB or GB, 1024-based like the vendor's plan volumes. */
export { formatBytes } from '../../parts/lists.js';

export const BYTES_PER_MB = 1024 * 1024;

/** A wire time (`2026-12-02T23:05:00+0000`) as people read it: `2026-12-02 23:05:00 UTC`. */
export function readableTime(wire: string | null | undefined): string {
  if (!wire) return '—';
  return `${wire.slice(0, 19).replace('T', ' ')} UTC`;
}
