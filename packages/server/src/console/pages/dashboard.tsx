import { formatUnits, UNITS_PER_DOLLAR } from '@esimkit/contract';
import { queryBalance } from '../../domain/balance/query.js';
import { countEsimsByStatus } from '../../domain/esims/count-by-status.js';
import { dailyActivity } from '../../domain/orders/activity-by-day.js';
import { Chart, Stat } from '../components.js';
import { page, redirect, view } from '../routes.js';

// The partner's home: balance, eSIMs by status, and orders and spend per day over the last
// 30 days of the merchant's clock (UTC days), read through the same verbs as the API
// (balance/query's queryBalance) and small reads beside them. `/console` sends each user to their home.

const ACTIVITY_DAYS = 30;

export const dashboardRoutes = [
  page('/console', { auth: 'user' }, (c) => redirect(c.session.operator ? '/console/operator' : '/console/dashboard')),

  page('/console/dashboard', { auth: 'merchant' }, async (c) => {
    const [balance, counts, activity] = await Promise.all([
      queryBalance({ ctx: c.merchant }),
      countEsimsByStatus({ ctx: c.merchant }),
      dailyActivity({ ctx: c.merchant, input: { days: ACTIVITY_DAYS } }),
    ]);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const x = activity.days.map((ms) => ms / 1000);
    const orders = activity.orders.reduce((a, b) => a + b, 0);
    const spend = activity.spend.reduce((a, b) => a + b, 0);
    return view(
      'Dashboard',
      <>
        <dl class="stats">
          <Stat label="Balance" value={formatUnits(balance.balance)} />
          <Stat label="eSIMs" value={total} />
          <Stat label="Access code" value={<code>{c.merchant.merchant.access_code}</code>} />
        </dl>
        <section aria-labelledby="activity">
          <h2 id="activity">Last {ACTIVITY_DAYS} days</h2>
          <div class="dashboard-charts">
            <Chart
              title="Orders per day"
              summary={`${orders} orders in the last ${ACTIVITY_DAYS} days.`}
              x={x}
              series={[{ label: 'Orders', values: activity.orders }]}
              yLabel="orders"
            />
            <Chart
              title="Spend per day (USD)"
              summary={`${formatUnits(spend)} spent on orders and top-ups, net of refunds, in the last ${ACTIVITY_DAYS} days.`}
              x={x}
              series={[{ label: 'Spend', values: activity.spend.map((units) => units / UNITS_PER_DOLLAR) }]}
              yLabel="USD"
            />
          </div>
        </section>
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
                      <a href={`/console/esims?status=${status}`}>
                        <code>{status}</code>
                      </a>
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
