import type { FunctionExecutionStatus } from '../../es2plus/wire.js';
import type { Answer, SmdpFunction } from './functions.js';
import type { ProfileStore } from './profiles.js';
import type { DeviceDeps } from './device.js';

// Everything the simulated SM-DP+ keeps, in memory: its profiles, the answers it gave by
// functionCallIdentifier (a repeated call id gets the first answer again), the calls it saw
// (tests read them) and the fault switches tests set.

/**
 * A fault on one function ('*': every function): answer with this status (`fail`), stop
 * answering (`down`: the connection is dropped unanswered), or hold the answer (`delay`: the
 * call is carried out and its answer kept, then sent late). `times` limits it to the next
 * calls; without it the fault stays until cleared.
 */
export type Fault =
  | { mode: 'fail'; status: Extract<FunctionExecutionStatus['status'], 'Failed' | 'Expired'>; subjectCode: string; reasonCode: string; message?: string; times?: number }
  | { mode: 'down'; times?: number }
  | { mode: 'delay'; delayMs: number; times?: number };

export interface SeenCall {
  function: SmdpFunction;
  functionRequesterIdentifier: string;
  functionCallIdentifier: string;
  iccid: string | undefined;
  status: FunctionExecutionStatus['status'] | 'dropped';
  /** Answered from the stored answer of an earlier call with the same call id. */
  repeated: boolean;
  fault: Fault['mode'] | undefined;
  at: string;
}

export interface StoredAnswer {
  function: SmdpFunction;
  answer: Answer;
}

export class SmdpState {
  readonly answers = new Map<string, StoredAnswer>();
  readonly calls: SeenCall[] = [];
  readonly faults = new Map<SmdpFunction | '*', Fault>();

  constructor(
    readonly store: ProfileStore,
    readonly device: DeviceDeps,
    readonly smdpAddress: string,
  ) {}

  /** The fault that applies to this call now, counting it down. */
  takeFault(fn: SmdpFunction): Fault | undefined {
    const key = this.faults.has(fn) ? fn : this.faults.has('*') ? '*' : undefined;
    if (key === undefined) return undefined;
    const fault = this.faults.get(key)!;
    if (fault.times !== undefined) {
      if (fault.times <= 1) this.faults.delete(key);
      else this.faults.set(key, { ...fault, times: fault.times - 1 });
    }
    return fault;
  }
}

/** Answers are kept per requester: two operators may use the same call id. */
export function answerKey(requester: string, callId: string): string {
  return `${requester}\u0000${callId}`;
}
