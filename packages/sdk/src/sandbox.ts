import { routes, type Route } from './routes.js';
import type * as T from './types.js';

export interface SandboxCallOptions {
  signal?: AbortSignal | undefined;
}

/**
 * How the client sends a sandbox call. `once`: the call changes state in a way a second
 * delivery would repeat (moving the clock by seconds, using data, an SMS, fault rules, a
 * deposit), so it
 * is retried only on answers that say it was not carried out (900001, 000001), never after a
 * lost answer (a network failure or timeout).
 */
export type SandboxSend = <Req, Res>(route: Route<Req, Res>, input: Req, options: SandboxCallOptions | undefined, once: boolean) => Promise<Res>;

/**
 * esimkit's sandbox API (`/sandbox/v1/`, served in sandbox mode only; elsewhere every call
 * fails with `000103`): the clock, a simulated device and network, fault plans, test funds
 * and reset. Same authentication and envelope as the partner API; every call touches only
 * this account's eSIMs, except the clock, which is the server's.
 */
export class SandboxApi {
  constructor(private readonly send: SandboxSend) {}

  /** The sandbox clock: `now` and how far it is ahead of real time. */
  clock(options?: SandboxCallOptions): Promise<T.SandboxClock> {
    return this.send(routes.sandboxClock, {}, options, false);
  }

  /**
   * Moves the clock forward by `seconds` or to `to` (never backward: `000104`), running
   * everything that falls due on the way, in order: allocations, usage reports, validity
   * warnings, daily resets, expiries. Resolves to the new time and what ran.
   */
  advanceClock(by: T.SandboxAdvanceRequest, options?: SandboxCallOptions): Promise<T.SandboxAdvanceResult> {
    if (by.to !== undefined) {
      const to = by.to instanceof Date ? by.to.toISOString() : by.to;
      return this.send(routes.sandboxAdvanceClock, { to }, options, false);
    }
    return this.send(routes.sandboxAdvanceClock, { seconds: by.seconds }, options, true);
  }

  /** Installs the profile on a simulated device: RELEASED -> ... -> ENABLED, IN_USE. */
  install(input: T.SandboxInstallRequest, options?: SandboxCallOptions): Promise<T.SandboxInstallResult> {
    return this.send(routes.sandboxInstall, input, options, false);
  }

  /** Disables the profile on the device (ENABLED -> DISABLED). */
  disable(esim: T.SandboxEsimRef, options?: SandboxCallOptions): Promise<T.SandboxDeviceState> {
    return this.send(routes.sandboxDisable, esim, options, false);
  }

  /** Enables it again (DISABLED -> ENABLED). */
  enable(esim: T.SandboxEsimRef, options?: SandboxCallOptions): Promise<T.SandboxDeviceState> {
    return this.send(routes.sandboxEnable, esim, options, false);
  }

  /** Deletes the profile from the device (-> DELETED). */
  delete(esim: T.SandboxEsimRef, options?: SandboxCallOptions): Promise<T.SandboxDeviceState> {
    return this.send(routes.sandboxDelete, esim, options, false);
  }

  /** Attaches the device to the network: a plan with activeType 2 starts its validity. */
  attach(esim: T.SandboxEsimRef, options?: SandboxCallOptions): Promise<T.SandboxAttachResult> {
    return this.send(routes.sandboxAttach, esim, options, false);
  }

  /** The device uses `bytes` of data (binary units: 1 GB = 2^30); activates on first use. */
  consume(input: T.SandboxConsumeRequest, options?: SandboxCallOptions): Promise<T.SandboxConsumeResult> {
    return this.send(routes.sandboxConsume, input, options, true);
  }

  /** An SMS reaches the device: from a phone (`from`), or through the API path without it. */
  receiveSms(input: T.SandboxSmsReceiveRequest, options?: SandboxCallOptions): Promise<Record<string, never>> {
    return this.send(routes.sandboxReceiveSms, input, options, true);
  }

  /** The device sends an SMS to the phone number `to`. */
  sendSms(input: T.SandboxSmsSendRequest, options?: SandboxCallOptions): Promise<Record<string, never>> {
    return this.send(routes.sandboxSendSms, input, options, true);
  }

  /**
   * Adds fault rules (the next `count` calls of an endpoint, or naming a package, answer
   * `errorCode`), sets the share of requests answered 900001 (`busyShare`, 0-1) and how
   * allocation behaves (`allocation: { delayMs, fail }`; `delayMs: null` is the server's
   * default). Fields left out stay as they are. Resolves to the plan now in force.
   */
  setFaults(plan: T.SandboxFaultsRequest, options?: SandboxCallOptions): Promise<T.SandboxFaultPlan> {
    return this.send(routes.sandboxSetFaults, plan, options, Boolean(plan.rules?.length));
  }

  /** The fault plan in force (rules with the calls they have left). */
  faults(options?: SandboxCallOptions): Promise<T.SandboxFaultPlan> {
    return this.send(routes.sandboxFaults, {}, options, false);
  }

  /** Removes every fault. */
  clearFaults(options?: SandboxCallOptions): Promise<T.SandboxFaultPlan> {
    return this.send(routes.sandboxClearFaults, {}, options, false);
  }

  /** Adds test funds (units of 1/10,000 USD, at most $10,000 a call); resolves to the balance. */
  deposit(input: T.SandboxDepositRequest, options?: SandboxCallOptions): Promise<T.SandboxDepositResult> {
    return this.send(routes.sandboxDeposit, input, options, true);
  }

  /** Removes this account's orders, eSIMs and all that hangs off them, and its faults; sets the balance (default 0). */
  reset(input: T.SandboxResetRequest = {}, options?: SandboxCallOptions): Promise<T.SandboxResetResult> {
    return this.send(routes.sandboxReset, input, options, false);
  }
}
