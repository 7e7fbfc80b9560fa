import { formatUnits } from '@esimkit/contract';
import { findCataloguePackage } from '../../../domain/catalog/browse-packages.js';
import { page, view } from '../../routes.js';
import { FavouriteButton } from './catalogue.js';
import { formatBytes } from '../../parts/lists.js';

// One plan as package/list describes it: price, data, validity, coverage and networks, its
// top-ups, the favourite button and the way to order it (the order form of orders pages).

export const catalogueDetailRoutes = [
  page('/console/catalogue/:packageCode', { auth: 'merchant' }, async (c) => {
    const found = await findCataloguePackage({ ctx: c.merchant, input: { packageCode: c.params.packageCode! } });
    if (!found) return { ...view('Plan not found', <p>No plan has the code <code>{c.params.packageCode}</code>. <a href="/console/catalogue">Back to the catalogue</a></p>, 404), error: true };
    const { plan, type, topups } = found;
    const daily = plan.dataType !== 1;
    return view(
      plan.name,
      <>
        <p>
          <a href="/console/catalogue">← Catalogue</a>
        </p>
        <div class="acct-actions">
          {type === 'BASE' && (
            <a class="button" href={`/console/orders/new?packageCode=${encodeURIComponent(plan.packageCode)}`}>
              Order this plan
            </a>
          )}
          <FavouriteButton plan={plan} back={c.path} />
        </div>
        <dl class="acct-facts">
          <dt>Package code</dt>
          <dd>
            <code>{plan.packageCode}</code>
          </dd>
          <dt>Slug</dt>
          <dd>
            <code>{plan.slug}</code>
          </dd>
          <dt>Type</dt>
          <dd>{type === 'BASE' ? 'Plan (BASE)' : 'Top-up (TOPUP)'}</dd>
          <dt>Price</dt>
          <dd>{formatUnits(plan.price)}</dd>
          <dt>Suggested retail price</dt>
          <dd>{formatUnits(plan.retailPrice)}</dd>
          <dt>Data</dt>
          <dd>
            {formatBytes(plan.volume)}
            {daily ? ' a day' : ''}
          </dd>
          <dt>Validity</dt>
          <dd>
            {plan.duration} {plan.duration === 1 ? 'day' : 'days'}; install within {plan.unusedValidTime} days
          </dd>
          <dt>Speed</dt>
          <dd>{plan.speed}</dd>
          <dt>SMS</dt>
          <dd>{plan.smsStatus ? 'Yes' : 'No'}</dd>
          <dt>Top-ups</dt>
          <dd>{plan.supportTopUpType !== 1 ? 'Can be topped up' : 'Cannot be topped up'}</dd>
          <dt>Location code</dt>
          <dd>
            <code>{plan.locationCode}</code>
          </dd>
          {plan.fupPolicy && (
            <>
              <dt>Fair use</dt>
              <dd>{plan.fupPolicy}</dd>
            </>
          )}
        </dl>
        {plan.description && plan.description !== plan.name && <p>{plan.description}</p>}

        <h2 id="coverage">Coverage and networks</h2>
        <div class="table-wrap">
          <table aria-labelledby="coverage">
            <thead>
              <tr>
                <th scope="col">Country</th>
                <th scope="col">Networks</th>
              </tr>
            </thead>
            <tbody>
              {plan.locationNetworkList.map((n) => (
                <tr>
                  <th scope="row">
                    {n.locationName} <code>{n.locationCode}</code>
                  </th>
                  <td>{n.operatorList.map((o) => `${o.operatorName} ${o.networkType}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        {topups.length > 0 && (
          <>
            <h2 id="topups">Top-ups for this plan</h2>
            <div class="table-wrap">
              <table aria-labelledby="topups">
                <thead>
                  <tr>
                    <th scope="col">Top-up</th>
                    <th scope="col" class="num">
                      Data
                    </th>
                    <th scope="col" class="num">
                      Days
                    </th>
                    <th scope="col" class="num">
                      Price
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {topups.map((t) => (
                    <tr>
                      <th scope="row">
                        <a href={`/console/catalogue/${encodeURIComponent(t.packageCode)}`}>{t.name}</a>
                      </th>
                      <td class="num">{formatBytes(t.volume)}</td>
                      <td class="num">{t.duration}</td>
                      <td class="num">{formatUnits(t.price)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </>,
    );
  }),
];
