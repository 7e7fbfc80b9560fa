import { formatUnits } from '@esimkit/contract';
import { queryBalance } from '../../domain/balance/query.js';
import { countEsimsByStatus } from '../../domain/esims/count-by-status.js';
import { Stat } from '../components.js';
import { page, redirect, view } from '../routes.js';

// The partner's home: balance and eSIMs by status, read through the same verbs as the API
// (balance/query's queryBalance). `/console` sends each user to their home.

export const dashboardRoutes = [
  page('/console', { auth: 'user' }, (c) => redirect(c.session.operator ? '/console/operator' : '/console/dashboard')),

  page('/console/dashboard', { auth: 'merchant' }, async (c) => {
    const [balance, counts] = await Promise.all([queryBalance({ ctx: c.merchant }), countEsimsByStatus({ ctx: c.merchant })]);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return view(
      'Dashboard',
      <>
        <dl class="stats">
          <Stat label="Balance" value={formatUnits(balance.balance)} />
          <Stat label="eSIMs" value={total} />
          <Stat label="Access code" value={<code>{c.merchant.merchant.access_code}</code>} />
        </dl>
        <section aria-labelledby="by-status">
          <h2 id="by-status">eSIMs by status</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    eSIMs
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(counts).map(([status, count]) => (
                  <tr>
                    <th scope="row">
                      <code>{status}</code>
                    </th>
                    <td class="num">{count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </>,
    );
  }),
];
