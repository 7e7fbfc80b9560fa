import { formatUnits } from '@esimkit/contract';
import { browsePackages, type CataloguePackage } from '../../../domain/catalog/browse-packages.js';
import { addFavourite, removeFavourite } from '../../../domain/catalog/favourites.js';
import { PostForm } from '../../components.js';
import { safeNext } from '../../http.js';
import { action, page, redirect, view } from '../../routes.js';
import { CatalogueFilterForm, catalogueFilterOf, locationChoices } from './catalogue-filters.js';
import { formatBytes } from '../../parts/lists.js';
import { Pager, withQuery } from './parts.js';

// The catalogue: the plans package/list sells, browsed by country or region and narrowed by
// type, data, validity, price and words, a page at a time; favourites marked per merchant.
// Every filter is in the query string, so a filtered list is a link. The detail page is
// catalogue-detail.tsx, the filters catalogue-filters.tsx.

/** The favourite button of a plan: a POST that comes back to the page it was pressed on. */
export function FavouriteButton({ plan, back }: { plan: CataloguePackage; back: string }) {
  const code = encodeURIComponent(plan.packageCode);
  return (
    <PostForm action={`/console/catalogue/${code}/${plan.favourite ? 'unfavourite' : 'favourite'}`} class="acct-inline">
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="secondary" aria-label={`${plan.favourite ? 'Remove' : 'Add'} ${plan.name} ${plan.favourite ? 'from' : 'to'} favourites`}>
        {plan.favourite ? '★ Favourite' : '☆ Favourite'}
      </button>
    </PostForm>
  );
}

export const catalogueRoutes = [
  page('/console/catalogue', { auth: 'merchant' }, async (c) => {
    const filter = catalogueFilterOf(c.query);
    const [result, locations] = await Promise.all([browsePackages({ ctx: c.merchant, input: filter }), locationChoices(c, filter.locationCode ?? '')]);
    const here = withQuery(c.path, c.query, {});
    const filtered = [...c.query.keys()].some((k) => k !== 'page');
    return view(
      'Catalogue',
      <>
        <CatalogueFilterForm filter={filter} query={c.query} locations={locations} filtered={filtered} />

        {!filter.locationCode && !filter.text && !filter.favouritesOnly && (
          <details class="acct-browse">
            <summary>Browse by country or region</summary>
            <h2>Regions</h2>
            <ul class="acct-links">
              {locations.regions.map((l) => (
                <li>
                  <a href={`/console/catalogue?location=${encodeURIComponent(l.code)}`}>{l.name}</a>
                </li>
              ))}
            </ul>
            <h2>Countries</h2>
            <ul class="acct-links">
              {locations.countries.map((l) => (
                <li>
                  <a href={`/console/catalogue?location=${encodeURIComponent(l.code)}`}>{l.name}</a>
                </li>
              ))}
            </ul>
          </details>
        )}

        <h2 id="plans">
          {result.total} {result.total === 1 ? 'plan' : 'plans'}
          {result.pages > 1 && ` · page ${result.page} of ${result.pages}`}
        </h2>
        {result.rows.length === 0 ? (
          <p>No plan matches these filters.</p>
        ) : (
          <div class="table-wrap">
            <table class="acct-table" aria-labelledby="plans">
              <thead>
                <tr>
                  <th scope="col">Plan</th>
                  <th scope="col">Location</th>
                  <th scope="col" class="num">
                    Data
                  </th>
                  <th scope="col" class="num">
                    Days
                  </th>
                  <th scope="col" class="num">
                    Price
                  </th>
                  <th scope="col" class="num">
                    Retail
                  </th>
                  <th scope="col">Favourite</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((p) => (
                  <tr>
                    <th scope="row">
                      <a href={`/console/catalogue/${encodeURIComponent(p.packageCode)}`}>{p.name}</a>
                      <br />
                      <code>{p.packageCode}</code>
                    </th>
                    <td>{p.locationCode}</td>
                    <td class="num">{formatBytes(p.volume)}{p.dataType !== 1 ? '/day' : ''}</td>
                    <td class="num">{p.duration}</td>
                    <td class="num">{formatUnits(p.price)}</td>
                    <td class="num">{formatUnits(p.retailPrice)}</td>
                    <td>
                      <FavouriteButton plan={p} back={here} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          label="Pages of plans"
          previous={result.page > 1 ? withQuery(c.path, c.query, { page: result.page - 1 }) : undefined}
          next={result.page < result.pages ? withQuery(c.path, c.query, { page: result.page + 1 }) : undefined}
        />
      </>,
    );
  }),

  action('/console/catalogue/:packageCode/favourite', { auth: 'merchant' }, async (c) => {
    await addFavourite({ ctx: c.merchant, input: { packageCode: c.params.packageCode! } });
    return redirect(safeNext(c.form.get('back')));
  }),

  action('/console/catalogue/:packageCode/unfavourite', { auth: 'merchant' }, async (c) => {
    await removeFavourite({ ctx: c.merchant, input: { packageCode: c.params.packageCode! } });
    return redirect(safeNext(c.form.get('back')));
  }),
];
