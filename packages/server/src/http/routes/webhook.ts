import { webhookLog, webhookQuery, webhookRedeliver, webhookSave, webhookSecretDisable, webhookSecretRotate } from '@esimkit/contract';
import { webhookDeliveryLog } from '../../domain/webhooks/log.js';
import { redeliverWebhooks } from '../../domain/webhooks/redeliver.js';
import { queryWebhook, saveWebhook } from '../../domain/webhooks/save.js';
import { disableWebhookSigning, rotateWebhookSecret } from '../../domain/webhooks/secret.js';
import { route } from '../route.js';

export const webhookSaveRoute = route(webhookSave, (ctx, input) => saveWebhook({ ctx, input }));
export const webhookQueryRoute = route(webhookQuery, (ctx, input) => queryWebhook({ ctx, input }));
export const webhookLogRoute = route(webhookLog, (ctx, input) => webhookDeliveryLog({ ctx, input }));
export const webhookRedeliverRoute = route(webhookRedeliver, (ctx, input) => redeliverWebhooks({ ctx, input }));
export const webhookSecretRotateRoute = route(webhookSecretRotate, (ctx, input) => rotateWebhookSecret({ ctx, input }));
export const webhookSecretDisableRoute = route(webhookSecretDisable, (ctx, input) => disableWebhookSigning({ ctx, input }));
