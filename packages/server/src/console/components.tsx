import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';

// Small building blocks for pages. Forms work without JavaScript (method="post", a real
// action URL); htmx, when loaded, submits them in place (hx-boost on <body>).

/** The CSRF token of the page being rendered, provided by the layout. */
export const CsrfContext = createContext('');

/** The hidden `_csrf` field every POST form carries (checked by the route helper). */
export function CsrfField() {
  return <input type="hidden" name="_csrf" value={useContext(CsrfContext)} />;
}

/** A POST form to a console action, with its CSRF field. `confirm`: the browser asks first (htmx's hx-confirm; without JS, the action runs). */
export function PostForm(props: { action: string; class?: string; confirm?: string; children: ComponentChildren }) {
  return (
    <form method="post" action={props.action} class={props.class} hx-confirm={props.confirm}>
      <CsrfField />
      {props.children}
    </form>
  );
}

/**
 * A labelled input; the label is always visible (no placeholder-only fields). Its id is
 * `f-<name>` unless `id` is given (a page with several forms using one name).
 */
export function Field(props: {
  label: string;
  name: string;
  id?: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: ComponentChildren;
  autofocus?: boolean;
  accept?: string;
  min?: string;
  max?: string;
  step?: string;
  inputmode?: 'numeric' | 'decimal' | 'tel' | 'text';
}) {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        autocomplete={props.autocomplete}
        required={props.required}
        autofocus={props.autofocus}
        accept={props.accept}
        min={props.min}
        max={props.max}
        step={props.step}
        inputMode={props.inputmode}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** A checkbox sending `name=1` when ticked, its label after it; `class` places it (`acct-check`, `sandbox-check`). */
export function CheckboxField(props: { id: string; label: string; name: string; checked?: boolean; class: string }) {
  return (
    <div class={`field ${props.class}`}>
      <input id={props.id} type="checkbox" name={props.name} value="1" checked={props.checked} />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

/** A labelled textarea (id `f-<name>` unless given), its text the value; a hint under it as Field has. */
export function TextareaField(props: { label: string; name: string; id?: string; rows: number; value?: string; required?: boolean; hint?: ComponentChildren }) {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows} required={props.required} aria-describedby={props.hint ? `${id}-hint` : undefined}>
        {props.value}
      </textarea>
      {props.hint && (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** A labelled <select> (id `f-<name>` unless given); `value` is selected (none when undefined). A string option is its own label ('' reads "Any"). */
export function SelectField(props: { label: string; name: string; id?: string; value: string | undefined; options: readonly (string | { value: string; label: string })[]; required?: boolean }) {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} required={props.required}>
        {props.options.map((o) => {
          const { value, label } = typeof o === 'string' ? { value: o, label: o || 'Any' } : o;
          return (
            <option value={value} selected={value === props.value}>
              {label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/** An error box (role=alert, so screen readers announce it). */
export function ErrorMessage({ error }: { error: ComponentChildren }) {
  return (
    <div class="alert alert-error" role="alert">
      {error}
    </div>
  );
}

/** A notice that something worked. */
export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="alert alert-ok" role="status">
      {children}
    </div>
  );
}

/** A figure with a label and a number (dashboard tiles). */
export function Stat({ label, value }: { label: string; value: ComponentChildren }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

/**
 * A time series plot (uPlot, drawn by /console/assets/charts.js). `x`: times in unix seconds;
 * each series has one value per time. `summary` says in words what the plot shows, for
 * screen readers and before the script runs.
 */
export function Chart(props: { title: string; summary: string; x: number[]; series: ChartSeries[]; yLabel?: string }) {
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div role="img" aria-label={props.summary} data-chart={JSON.stringify({ x: props.x, series: props.series, y: props.yLabel ?? '' })}>
        <noscript>{props.summary}</noscript>
      </div>
    </figure>
  );
}
