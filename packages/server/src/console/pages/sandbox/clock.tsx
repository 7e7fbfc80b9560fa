import { sandboxClockAdvance } from '@esimkit/contract';
import { advanceClock } from '../../../domain/sandbox/clock.js';
import { PostForm, Stat } from '../../components.js';
import { action, redirect } from '../../routes.js';
import { Input, numberField, panelUrl, readableTime, readAs, requireSandbox, Section } from './parts.js';

// The merchant's sandbox clock: where it stands, and moving it forward by a preset or to a
// time, through advanceClock as sandbox/v1/clock/advance does (it runs what falls due on
// the way, in order). It never goes backward; a sandbox reset puts it back to real time.

export const CLOCK_PRESETS = [
  { seconds: 3600, label: '+1 hour' },
  { seconds: 86_400, label: '+1 day' },
  { seconds: 7 * 86_400, label: '+7 days' },
  { seconds: 30 * 86_400, label: '+30 days' },
  { seconds: 181 * 86_400, label: '+181 days' },
] as const;

/**
 * `30 d 2 h 5 min` ahead of real time, to the nearest minute (an advance by a day leaves the
 * offset a few milliseconds short of it: the clock keeps running while it moves).
 */
export function describeOffset(seconds: number): string {
  const total = Math.round(seconds / 60);
  if (total < 1) return 'None: real time';
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  return [days && `${days} d`, hours && `${hours} h`, minutes && `${minutes} min`].filter(Boolean).join(' ');
}

/**
 * A datetime-local value (`2026-12-31T10:00`, read as UTC) as the API's `to`; anything else
 * is passed on as typed, for the API's own refusal.
 */
export function toWireTime(local: string): string {
  const text = local.trim();
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(text)) return `${text}:00Z`;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(text)) return `${text}Z`;
  return text;
}

export function ClockSection(props: { now: string; offsetSeconds: number; esim: string | undefined }) {
  // The date form starts a day ahead of the merchant's clock and accepts nothing before it.
  const now = Date.parse(`${props.now.slice(0, 19)}Z`);
  const min = props.now.slice(0, 16);
  const suggested = new Date(now + 86_400_000).toISOString().slice(0, 16);
  return (
    <Section id="clock" title="Clock">
      <dl class="stats">
        <Stat label="Sandbox time" value={<span data-testid="sandbox-now">{readableTime(props.now)}</span>} />
        <Stat label="Ahead of real time" value={<span data-testid="sandbox-offset">{describeOffset(props.offsetSeconds)}</span>} />
      </dl>
      <p class="hint">
        Your merchant's own clock: moving it runs what falls due on the way (allocations, usage reports, validity warnings, daily resets,
        expiries) and changes nothing of another merchant's. It never goes backward; a <a href="#reset">sandbox reset</a> puts it back to
        real time.
      </p>
      <div class="sandbox-forms">
        <PostForm action="/console/sandbox/clock/advance" class="card">
          <input type="hidden" name="esim" value={props.esim ?? ''} />
          <fieldset class="sandbox-presets">
            <legend>Advance by</legend>
            {CLOCK_PRESETS.map((p) => (
              <button type="submit" name="seconds" value={String(p.seconds)} class="secondary">
                {p.label}
              </button>
            ))}
          </fieldset>
        </PostForm>
        <PostForm action="/console/sandbox/clock/advance" class="card">
          <input type="hidden" name="esim" value={props.esim ?? ''} />
          <Input id="clock-to" label="Advance to (UTC)" name="to" type="datetime-local" min={min} value={suggested} required hint="At most 400 days ahead in one move." />
          <button type="submit">Advance to this time</button>
        </PostForm>
      </div>
    </Section>
  );
}

export const clockRoutes = [
  action('/console/sandbox/clock/advance', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const to = c.form.get('to');
    const input = readAs(sandboxClockAdvance, to ? { to: toWireTime(to) } : { seconds: numberField(c.form.get('seconds')) });
    const moved = await advanceClock({ ctx: c.merchant, input });
    return redirect(
      panelUrl({
        esim: c.form.get('esim') ?? undefined,
        done: 'advanced',
        figures: { jobs: moved.jobs, warned: moved.warned, reset: moved.reset, expired: moved.expired },
        section: 'clock',
      }),
    );
  }),
];
