import { code } from './html.js';
import type { GroupText } from './endpoints.js';

// The introductions of the three families of endpoints.

export const partnerGroup: GroupText = {
  tag: 'partner',
  id: 'partner-api',
  title: 'Partner API',
  intro: `<p>The endpoints of the vendor's API, under ${code('/api/v1/open/')}. A typical integration lists packages, orders one (allocation is asynchronous: wait for the ${code('ORDER_STATUS')} webhook, or query the order until it stops answering ${code('200010')}), then hands the eSIM's ${code('ac')}, ${code('qrCodeUrl')} or ${code('shortUrl')} to the traveller and follows it through webhooks, ${code('esim/query')} and ${code('esim/usage/query')}.</p>`,
};

export const esimkitGroup: GroupText = {
  tag: 'esimkit',
  id: 'esimkit-api',
  title: 'esimkit additions',
  intro: `<p>What esimkit adds under ${code('/api/v1/esimkit/')}, with the same authentication and envelope: an eSIM's SMS messages and status history, the webhook delivery log and redelivery, and the webhook signing secret. Clients written for the vendor's API never call them.</p>`,
};

export const sandboxGroup: GroupText = {
  tag: 'sandbox',
  id: 'sandbox-api',
  title: 'Sandbox API',
  intro: `<p>Served only when the server runs in sandbox mode (${code('ESIMKIT_MODE=sandbox')}, the default), under ${code('/sandbox/v1/')}, with the same authentication and envelope. It plays the parts the real world plays on the live service: the traveller's phone (install, disable, enable, delete the profile), the mobile network (attach, use data, SMS both ways), time, failures and money. Each call acts only on the calling merchant's eSIMs; the clock belongs to the whole instance.</p>
<p>A whole journey in five calls: ${code('esim/order')}, ${code('esim/query')} by orderNo for the ${code('esimTranNo')}, ${code('/sandbox/v1/esim/install')}, ${code('/sandbox/v1/esim/consume')}, then ${code('/sandbox/v1/clock/advance')} by 30 days: every webhook, usage report and expiry due on the way happens, in order, and ${code('esim/query')} shows the eSIM ${code('USED_EXPIRED')}.</p>`,
};
