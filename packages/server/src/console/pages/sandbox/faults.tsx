import { endpoints, errorCodes, extensionEndpoints, sandboxFaultsSet } from '@esimkit/contract';
import { clearFaults, setFaults, type getFaults } from '../../../domain/sandbox/faults.js';
import { CheckboxField, PostForm, SelectField } from '../../components.js';
import { action, redirect } from '../../routes.js';
import { Input, numberField, panelUrl, readAs, requireSandbox, Section } from './parts.js';

// The merchant's injected faults, through the verbs of sandbox/v1/faults/{get,set,clear}:
// rules that answer the next N calls of an endpoint (or naming a package) with a code, the
// share of requests answered 900001, and how allocation behaves (a delay, or failing).

export type FaultPlan = Awaited<ReturnType<typeof getFaults>>;

/** What a new rule answers unless another code is chosen: "busy, try again", the one clients must retry. */
const DEFAULT_FAULT_CODE = '900001';

/** The partner endpoints a rule may name (the sandbox's own are never faulted). */
const ENDPOINT_NAMES = [...endpoints, ...extensionEndpoints].map((e) => e.name);

export function FaultsSection({ plan, esim }: { plan: FaultPlan; esim: string | undefined }) {
  const active = plan.rules.length > 0 || plan.busyShare > 0 || plan.allocation.delayMs !== null || plan.allocation.fail;
  return (
    <Section id="faults" title="Faults">
      <div class="table-wrap">
        <table>
          <caption class="sandbox-caption">Fault rules in force (each answers the next calls that match, until none are left)</caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Package</th>
              <th scope="col">Answer</th>
              <th scope="col" class="num">
                Calls left
              </th>
            </tr>
          </thead>
          <tbody data-testid="fault-rules">
            {plan.rules.length === 0 ? (
              <tr>
                <td colSpan={4}>No fault rules.</td>
              </tr>
            ) : (
              plan.rules.map((r) => (
                <tr>
                  <td>{r.endpoint ? <code>{r.endpoint}</code> : 'Any'}</td>
                  <td>{r.packageCode ? <code>{r.packageCode}</code> : 'Any'}</td>
                  <td>
                    <code>{r.errorCode}</code> {errorCodes[r.errorCode]}
                  </td>
                  <td class="num">{r.remaining}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <p data-testid="fault-settings">
        Busy answers (900001): {Math.round(plan.busyShare * 1000) / 10}% of requests · Allocation:{' '}
        {plan.allocation.fail ? 'fails (refunded)' : plan.allocation.delayMs === null ? 'the server’s usual delay' : `after ${plan.allocation.delayMs / 1000} s`}
      </p>
      <div class="sandbox-forms">
        <PostForm action="/console/sandbox/faults/rules" class="card">
          <h3>Add a rule</h3>
          <input type="hidden" name="esim" value={esim ?? ''} />
          <SelectField id="fault-endpoint" label="Endpoint" name="endpoint" value={undefined} options={[{ value: '', label: 'Any endpoint' }, ...ENDPOINT_NAMES]} />
          <Input id="fault-package" label="Package code or slug (optional)" name="packageCode" hint="Only requests naming this package." />
          <SelectField
            id="fault-code"
            label="Answer with"
            name="errorCode"
            value={DEFAULT_FAULT_CODE}
            options={Object.entries(errorCodes).map(([code, message]) => ({ value: code, label: `${code} ${message}` }))}
            required
          />
          <Input id="fault-count" label="For the next N calls" name="count" type="number" min="1" max="10000" value="1" required />
          <button type="submit">Add rule</button>
        </PostForm>
        <PostForm action="/console/sandbox/faults/settings" class="card">
          <h3>Busy answers and allocation</h3>
          <input type="hidden" name="esim" value={esim ?? ''} />
          <Input id="fault-busy" label="Busy answers (% of requests)" name="busyPercent" type="number" min="0" max="100" step="any" value={String(plan.busyShare * 100)} />
          <Input
            id="fault-delay"
            label="Allocation delay (seconds)"
            name="delaySeconds"
            type="number"
            min="0"
            max="3600"
            step="any"
            value={plan.allocation.delayMs === null ? '' : String(plan.allocation.delayMs / 1000)}
            hint="Empty: the server's usual delay. Counted on the sandbox clock."
          />
          <CheckboxField id="fault-fail" label="Fail allocations (the order is refunded)" name="fail" checked={plan.allocation.fail} class="sandbox-check" />
          <button type="submit">Save</button>
        </PostForm>
        {active && (
          <PostForm action="/console/sandbox/faults/clear" class="card" confirm="Remove every fault rule and setting?">
            <h3>Clear</h3>
            <input type="hidden" name="esim" value={esim ?? ''} />
            <p class="hint">Removes every rule and sets busy answers and allocation back to normal.</p>
            <button type="submit" class="danger">
              Clear all faults
            </button>
          </PostForm>
        )}
      </div>
    </Section>
  );
}

/** Seconds typed in the form as the API's delayMs. */
function secondsToMs(raw: string | null): number | string | undefined {
  const seconds = numberField(raw);
  return typeof seconds === 'number' ? Math.round(seconds * 1000) : seconds;
}

const backToFaults = (esim: string | null, done: string) => redirect(panelUrl({ esim: esim ?? undefined, done, section: 'faults' }));

export const faultRoutes = [
  action('/console/sandbox/faults/rules', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const f = c.form;
    const rule = { endpoint: f.get('endpoint'), packageCode: f.get('packageCode'), errorCode: f.get('errorCode'), count: numberField(f.get('count')) };
    await setFaults({ ctx: c.merchant, input: readAs(sandboxFaultsSet, { rules: [rule] }) });
    return backToFaults(f.get('esim'), 'fault-rule');
  }),
  action('/console/sandbox/faults/settings', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    const f = c.form;
    const percent = numberField(f.get('busyPercent'));
    const delayMs = secondsToMs(f.get('delaySeconds'));
    const input = readAs(sandboxFaultsSet, {
      busyShare: typeof percent === 'number' ? percent / 100 : percent,
      allocation: { delayMs, fail: f.get('fail') === '1' },
    });
    // An emptied delay field means the server's usual delay (null), which the API's parser
    // reads as "not given": say it explicitly.
    if (delayMs === undefined) input.allocation = { ...input.allocation, delayMs: null };
    await setFaults({ ctx: c.merchant, input });
    return backToFaults(f.get('esim'), 'fault-settings');
  }),
  action('/console/sandbox/faults/clear', { auth: 'merchant' }, async (c) => {
    requireSandbox(c);
    await clearFaults({ ctx: c.merchant });
    return backToFaults(c.form.get('esim'), 'faults-cleared');
  }),
];
