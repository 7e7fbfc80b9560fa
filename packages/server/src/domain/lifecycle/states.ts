// The two statuses of an eSIM (field-notes §6), as closed unions. An eSIM row exists from
// allocation on, so the order's earlier steps (CREATE, PAYING, PAID, GETTING_RESOURCE) are
// never stored on it.

export const esimStatuses = ['GOT_RESOURCE', 'IN_USE', 'USED_UP', 'SUSPENDED', 'CANCEL', 'REVOKE', 'UNUSED_EXPIRED', 'USED_EXPIRED'] as const;
export type EsimStatus = (typeof esimStatuses)[number];

export const smdpStatuses = ['RELEASED', 'DOWNLOAD', 'INSTALLATION', 'ENABLED', 'DISABLED', 'DELETED'] as const;
export type SmdpStatus = (typeof smdpStatuses)[number];

export interface LifecycleState {
  esimStatus: EsimStatus;
  smdpStatus: SmdpStatus;
}

/** Where every eSIM starts: allocated, its profile released by the SM-DP+ for download. */
export const ALLOCATED: LifecycleState = { esimStatus: 'GOT_RESOURCE', smdpStatus: 'RELEASED' };

/** States in which the plan still runs and can expire (the partial index esims_expiry_due covers them). */
export const LIVE_STATUSES = ['GOT_RESOURCE', 'IN_USE', 'USED_UP', 'SUSPENDED'] as const satisfies readonly EsimStatus[];

/** The profile is on a device. */
export const ON_DEVICE = ['INSTALLATION', 'ENABLED', 'DISABLED'] as const satisfies readonly SmdpStatus[];

export function isEsimStatus(value: string): value is EsimStatus {
  return (esimStatuses as readonly string[]).includes(value);
}

export function isSmdpStatus(value: string): value is SmdpStatus {
  return (smdpStatuses as readonly string[]).includes(value);
}
