import { z } from 'zod';
import { esimForOperator, listEsimsAcrossMerchants, type OperatorEsim } from '../../domain/esims/across-merchants.js';
import { esimStatuses, smdpStatuses } from '../../domain/lifecycle/states.js';
import { listOrdersAcrossMerchants, orderForOperator, type OperatorOrder } from '../../domain/orders/across-merchants.js';
import { operatorRoute } from './endpoint.js';
import { OperatorError } from './errors.js';
import { iso, isoOrNull, MerchantId, PageInfo, Paging, Time, Units } from './fields.js';

// Every merchant's orders and eSIMs, read only, with the console's filters (merchant, status,
// part of a number) and paging. Changes to an eSIM are its merchant's (partner API).

const orderStatuses = ['ALLOCATING', 'GOT_RESOURCE', 'FAILED'] as const;

const Order = z.object({
  orderNo: z.string(),
  transactionId: z.string(),
  merchantId: z.number().int(),
  merchantName: z.string(),
  status: z.enum(orderStatuses),
  items: z.array(z.object({ packageCode: z.string(), count: z.number().int(), unitPrice: Units, periodNum: z.number().int().nullable() })),
  amount: Units,
  esimCount: z.number().int(),
  failureReason: z.string().nullable(),
  createdAt: Time,
  completedAt: Time.nullable(),
});

const Esim = z.object({
  esimTranNo: z.string(),
  iccid: z.string(),
  orderNo: z.string(),
  merchantId: z.number().int(),
  merchantName: z.string(),
  packageCode: z.string(),
  esimStatus: z.enum(esimStatuses),
  smdpStatus: z.enum(smdpStatuses),
  totalVolume: z.number().int().describe('Bytes'),
  orderUsage: z.number().int().describe('Bytes used'),
  expiredTime: Time,
  createdAt: Time,
});

function renderOrder(o: OperatorOrder): z.input<typeof Order> {
  return {
    orderNo: o.orderNo,
    transactionId: o.transactionId,
    merchantId: o.merchantId,
    merchantName: o.merchantName,
    status: o.status,
    items: o.items,
    amount: o.amount,
    esimCount: o.esimCount,
    failureReason: o.failureReason,
    createdAt: iso(o.createdAt),
    completedAt: isoOrNull(o.completedAt),
  };
}

function renderEsim(e: OperatorEsim): z.input<typeof Esim> {
  return {
    esimTranNo: e.esimTranNo,
    iccid: e.iccid,
    orderNo: e.orderNo,
    merchantId: e.merchantId,
    merchantName: e.merchantName,
    packageCode: e.packageCode,
    esimStatus: e.esimStatus,
    smdpStatus: e.smdpStatus,
    totalVolume: e.totalVolume,
    orderUsage: e.orderUsage,
    expiredTime: iso(e.expiredTime),
    createdAt: iso(e.createdAt),
  };
}

export const orderRoutes = [
  operatorRoute({
    name: 'operator.order.list',
    path: '/api/v1/operator/order/list',
    summary: 'Every merchant’s orders, newest first, filtered by merchant, status and part of the orderNo or transactionId',
    scope: 'orders:read',
    request: z.object({
      merchantId: MerchantId.optional(),
      status: z.enum(orderStatuses).optional(),
      search: z.string().max(100).optional().describe('Part of the orderNo or of the merchant’s transactionId (any case)'),
      ...Paging,
    }),
    response: z.object({ orderList: z.array(Order), ...PageInfo }),
    errors: [],
    async handle(ctx, input) {
      const { orders, total } = await listOrdersAcrossMerchants({ ctx, input });
      return { orderList: orders.map(renderOrder), total, pageNum: input.pageNum, pageSize: input.pageSize };
    },
  }),

  operatorRoute({
    name: 'operator.order.get',
    path: '/api/v1/operator/order/get',
    summary: 'One order of any merchant, with its eSIMs',
    scope: 'orders:read',
    request: z.object({ orderNo: z.string().min(1).max(32) }),
    response: Order.extend({
      esimList: z.array(z.object({ esimTranNo: z.string(), iccid: z.string(), packageCode: z.string(), esimStatus: z.enum(esimStatuses), smdpStatus: z.enum(smdpStatuses) })),
    }),
    errors: ['800202'],
    async handle(ctx, input) {
      const order = await orderForOperator({ ctx, input });
      if (!order) throw new OperatorError('800202', `There is no order ${input.orderNo}.`);
      return { ...renderOrder(order), esimList: order.esims.map(({ id: _id, ...e }) => ({ ...e, esimStatus: e.esimStatus as never, smdpStatus: e.smdpStatus as never })) };
    },
  }),

  operatorRoute({
    name: 'operator.esim.list',
    path: '/api/v1/operator/esim/list',
    summary: 'Every merchant’s eSIMs, newest first, filtered by merchant, esimStatus and part of the ICCID, esimTranNo or orderNo',
    scope: 'orders:read',
    request: z.object({
      merchantId: MerchantId.optional(),
      status: z.enum(esimStatuses).optional().describe('esimStatus'),
      search: z.string().max(100).optional().describe('Part of the ICCID, the esimTranNo or the orderNo'),
      ...Paging,
    }),
    response: z.object({ esimList: z.array(Esim), ...PageInfo }),
    errors: [],
    async handle(ctx, input) {
      const { esims, total } = await listEsimsAcrossMerchants({ ctx, input });
      return { esimList: esims.map(renderEsim), total, pageNum: input.pageNum, pageSize: input.pageSize };
    },
  }),

  operatorRoute({
    name: 'operator.esim.get',
    path: '/api/v1/operator/esim/get',
    summary: 'One eSIM of any merchant, with every status change (who, when, from, to)',
    scope: 'orders:read',
    request: z.object({ esimTranNo: z.string().min(1).max(32) }),
    response: Esim.extend({
      eventList: z.array(z.object({ field: z.string(), from: z.string().nullable(), to: z.string(), actor: z.string(), time: Time })),
    }),
    errors: ['800203'],
    async handle(ctx, input) {
      const esim = await esimForOperator({ ctx, input });
      if (!esim) throw new OperatorError('800203', `There is no eSIM ${input.esimTranNo}.`);
      return { ...renderEsim(esim), eventList: esim.events.map(({ at, ...e }) => ({ ...e, time: iso(at) })) };
    },
  }),
];
