import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { EsimRef } from '../fields.js';

// cancel, suspend, unsuspend and revoke share one shape: an eSIM reference in, `{}` out.
function operation(name: string, path: `/api/v1/open/${string}`, summary: string) {
  return endpoint({
    name,
    path,
    summary,
    request: EsimRef,
    response: z.object({}),
    successCode: '0',
    errors: ['200002', '310403'],
  });
}

export const esimCancel = operation('esim.cancel', '/api/v1/open/esim/cancel', 'Cancel an unused eSIM (GOT_RESOURCE, RELEASED); the price is refunded');
export const esimSuspend = operation('esim.suspend', '/api/v1/open/esim/suspend', 'Suspend data service of an eSIM in use');
export const esimUnsuspend = operation('esim.unsuspend', '/api/v1/open/esim/unsuspend', 'Resume data service of a suspended eSIM');
export const esimRevoke = operation('esim.revoke', '/api/v1/open/esim/revoke', 'Close and remove an eSIM and its plan; not refunded');
