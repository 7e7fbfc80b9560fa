import { formatUnits } from '@esimkit/contract';
import { listMerchants } from '../../domain/merchants/list.js';
import { webhookHealth } from '../../domain/webhooks/health.js';
import { Stat } from '../components.js';
import { page, view } from '../routes.js';
import { MerchantTable } from './operator/merchants.js';

// The operator's home: the figures to glance at (merchants, money held, webhooks waiting or
// failed) and the merchants with their balances; each area has its page (operator-admin.tsx).

export const operatorRoutes = [
  page('/console/operator', { auth: 'operator' }, async (c) => {
    const [merchants, health] = await Promise.all([listMerchants({ ctx: c.ctx }), webhookHealth({ ctx: c.ctx })]);
    const held = merchants.reduce((sum, m) => sum + m.balance, 0);
    const pending = health.reduce((sum, h) => sum + h.pending, 0);
    const failed = health.reduce((sum, h) => sum + h.failed, 0);
    return view(
      'Overview',
      <>
        <dl class="stats">
          <Stat label="Merchants" value={`${merchants.length}${merchants.some((m) => m.disabled) ? ` (${merchants.filter((m) => m.disabled).length} disabled)` : ''}`} />
          <Stat label="Balances held" value={formatUnits(held)} />
          <Stat label="Webhooks pending" value={<a href="/console/operator/webhooks">{pending}</a>} />
          <Stat label="Webhooks failed" value={<a href="/console/operator/webhooks">{failed}</a>} />
        </dl>
        <section aria-labelledby="merchants">
          <h2 id="merchants">Merchants ({merchants.length})</h2>
          <p>
            <a href="/console/operator/merchants">Search, create and manage merchants</a>
          </p>
          <MerchantTable merchants={merchants} searched={false} />
        </section>
      </>,
    );
  }),
];
