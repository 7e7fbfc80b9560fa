import { esimCancel, esimRevoke, esimSuspend, esimUnsuspend } from '@esimkit/contract';
import { cancelEsim } from '../../domain/esims/cancel.js';
import { revokeEsim } from '../../domain/esims/revoke.js';
import { suspendEsim, unsuspendEsim } from '../../domain/esims/suspend.js';
import { route } from '../route.js';

export const esimCancelRoute = route(esimCancel, (ctx, input) => cancelEsim({ ctx, input }));
export const esimSuspendRoute = route(esimSuspend, (ctx, input) => suspendEsim({ ctx, input }));
export const esimUnsuspendRoute = route(esimUnsuspend, (ctx, input) => unsuspendEsim({ ctx, input }));
export const esimRevokeRoute = route(esimRevoke, (ctx, input) => revokeEsim({ ctx, input }));
