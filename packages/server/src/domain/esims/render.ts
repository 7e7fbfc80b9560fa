import { formatWireTime, type EsimItem } from '@esimkit/contract';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/schema.js';
import type { EsimRow } from './find.js';

export interface EsimRenderExtras {
  orderNo: string;
  transactionId: string;
}

/** Public URLs of an eSIM's QR code image and install page. */
export function esimUrls(publicUrl: string, token: string): { qrCodeUrl: string; shortUrl: string } {
  return { qrCodeUrl: `${publicUrl}/qr/${token}.png`, shortUrl: `${publicUrl}/s/${token}` };
}

function optionalWireTime(epochMs: number | null): string | null {
  return epochMs === null ? null : formatWireTime(new Date(epochMs));
}

/** The esim/query items of a page of eSIMs, with their orders and package lists, in three queries. */
export async function renderEsims(db: Kysely<Database>, publicUrl: string, esims: EsimRow[]): Promise<z.infer<typeof EsimItem>[]> {
  if (esims.length === 0) return [];
  const orderIds = [...new Set(esims.map((e) => e.order_id))];
  const orders = new Map(
    (await db.selectFrom('orders').select(['id', 'order_no', 'transaction_id']).where('id', 'in', orderIds).execute()).map((o) => [o.id, o]),
  );
  const packageRows = await db
    .selectFrom('esim_packages')
    .innerJoin('packages', 'packages.code', 'esim_packages.package_code')
    .select([
      'esim_packages.esim_id',
      'esim_packages.volume',
      'esim_packages.duration',
      'esim_packages.created_at',
      'packages.code',
      'packages.name',
      'packages.slug',
      'packages.location_code',
    ])
    .where(
      'esim_packages.esim_id',
      'in',
      esims.map((e) => e.id),
    )
    .orderBy('esim_packages.id')
    .execute();
  return esims.map((esim) => {
    const order = orders.get(esim.order_id);
    return {
      esimTranNo: esim.esim_tran_no,
      orderNo: order?.order_no ?? '',
      transactionId: order?.transaction_id ?? '',
      imsi: esim.imsi,
      iccid: esim.iccid,
      msisdn: esim.msisdn,
      smsStatus: esim.sms_status,
      dataType: esim.data_type,
      ac: esim.ac,
      ...esimUrls(publicUrl, esim.public_token),
      smdpStatus: esim.smdp_status,
      eid: esim.eid,
      activeType: esim.active_type,
      expiredTime: formatWireTime(new Date(esim.expired_time)),
      totalVolume: esim.total_volume,
      totalDuration: esim.total_duration,
      durationUnit: 'DAY' as const,
      orderUsage: esim.order_usage,
      esimStatus: esim.esim_status,
      pin: esim.pin,
      puk: esim.puk,
      apn: esim.apn,
      activateTime: optionalWireTime(esim.activated_at),
      installationTime: optionalWireTime(esim.installed_at),
      packageList: packageRows
        .filter((p) => p.esim_id === esim.id)
        .map((p) => ({
          packageName: p.name,
          packageCode: p.code,
          slug: p.slug,
          duration: p.duration,
          volume: p.volume,
          locationCode: p.location_code,
          createTime: formatWireTime(new Date(p.created_at)),
        })),
    };
  });
}
