import {
  sandboxAttach,
  sandboxClockAdvance,
  sandboxClockGet,
  sandboxConsume,
  sandboxDelete,
  sandboxDeposit,
  sandboxDisable,
  sandboxEnable,
  sandboxFaultsClear,
  sandboxFaultsGet,
  sandboxFaultsSet,
  sandboxInstall,
  sandboxReset,
  sandboxSmsReceive,
  sandboxSmsSend,
} from '@esimkit/contract';
import { advanceClock, readClock } from '../../domain/sandbox/clock.js';
import {
  sandboxAttach as attach,
  sandboxConsume as consume,
  sandboxInstallProfile,
  sandboxProfileAction,
  sandboxReceiveSms,
  sandboxSendSms,
} from '../../domain/sandbox/device.js';
import { clearFaults, getFaults, setFaults } from '../../domain/sandbox/faults.js';
import { depositTestFunds } from '../../domain/sandbox/funds.js';
import { resetSandbox } from '../../domain/sandbox/reset.js';
import { route, type Route } from '../route.js';

const disable = sandboxProfileAction('disable');
const enable = sandboxProfileAction('enable');
const remove = sandboxProfileAction('delete');

/** The sandbox API, registered only in sandbox mode. */
export const sandboxRoutes: Route[] = [
  route(sandboxClockGet, (ctx) => readClock({ ctx })),
  route(sandboxClockAdvance, (ctx, input) => advanceClock({ ctx, input })),
  route(sandboxInstall, (ctx, input) => sandboxInstallProfile({ ctx, input })),
  route(sandboxDisable, (ctx, input) => disable({ ctx, input })),
  route(sandboxEnable, (ctx, input) => enable({ ctx, input })),
  route(sandboxDelete, (ctx, input) => remove({ ctx, input })),
  route(sandboxAttach, (ctx, input) => attach({ ctx, input })),
  route(sandboxConsume, (ctx, input) => consume({ ctx, input })),
  route(sandboxSmsReceive, (ctx, input) => sandboxReceiveSms({ ctx, input })),
  route(sandboxSmsSend, (ctx, input) => sandboxSendSms({ ctx, input })),
  route(sandboxFaultsSet, (ctx, input) => setFaults({ ctx, input })),
  route(sandboxFaultsGet, (ctx) => getFaults({ ctx })),
  route(sandboxFaultsClear, (ctx) => clearFaults({ ctx })),
  route(sandboxDeposit, (ctx, input) => depositTestFunds({ ctx, input })),
  route(sandboxReset, (ctx, input) => resetSandbox({ ctx, input })),
] as Route[];
