import { formatUnits } from '@esimkit/contract';
import { browsePackages, catalogueSorts, type CatalogueFilter, type CataloguePackage, type CatalogueSort } from '../../../domain/catalog/browse-packages.js';
import { addFavourite, removeFavourite } from '../../../domain/catalog/favourites.js';
import { listLocations } from '../../../domain/catalog/list-locations.js';
import { PostForm } from '../../components.js';
import { safeNext } from '../../http.js';
import { action, page, redirect, view, type MerchantPageContext } from '../../routes.js';
import { formatVolume, Pager, queryDecimal, queryInt, withQuery } from './parts.js';

// The catalogue: the plans package/list sells, browsed by country or region and narrowed by
// type, data, validity, price and words, a page at a time; favourites marked per merchant.
// Every filter is in the query string, so a filtered list is a link. The detail page is
// catalogue-detail.tsx.

const PAGE_SIZE = 50;
const SORT_NAMES: Record<CatalogueSort, string> = {
  price: 'Price, lowest first',
  '-price': 'Price, highest first',
  volume: 'Data, least first',
  '-volume': 'Data, most first',
  duration: 'Days, fewest first',
  '-duration': 'Days, most first',
};
const GB = 1024 ** 3;
const UNITS_PER_USD = 10_000;

function filterOf(query: URLSearchParams): CatalogueFilter {
  const gb = (name: string) => {
    const v = queryDecimal(query, name);
    return v === undefined ? undefined : Math.round(v * GB);
  };
  const usd = (name: string) => {
    const v = queryDecimal(query, name);
    return v === undefined ? undefined : Math.round(v * UNITS_PER_USD);
  };
  return {
    locationCode: query.get('location') || undefined,
    type: query.get('type') === 'TOPUP' ? 'TOPUP' : 'BASE',
    minVolume: gb('minGb'),
    maxVolume: gb('maxGb'),
    minDuration: queryInt(query, 'minDays'),
    maxDuration: queryInt(query, 'maxDays'),
    minPrice: usd('minPrice'),
    maxPrice: usd('maxPrice'),
    text: query.get('q') || undefined,
    favouritesOnly: query.get('favourites') === '1',
    sort: catalogueSorts.find((s) => s === query.get('sort')),
    page: queryInt(query, 'page'),
    pageSize: PAGE_SIZE,
  };
}

/** The favourite button of a plan: a POST that comes back to the page it was pressed on. */
export function FavouriteButton({ plan, back }: { plan: CataloguePackage; back: string }) {
  const code = encodeURIComponent(plan.packageCode);
  return (
    <PostForm action={`/console/catalogue/${code}/${plan.favourite ? 'unfavourite' : 'favourite'}`} class="acct-inline">
      <input type="hidden" name="back" value={back} />
      <button type="submit" class="secondary" aria-pressed={plan.favourite ? 'true' : 'false'} aria-label={`${plan.favourite ? 'Remove' : 'Add'} ${plan.name} ${plan.favourite ? 'from' : 'to'} favourites`}>
        {plan.favourite ? '★ Favourite' : '☆ Favourite'}
      </button>
    </PostForm>
  );
}

/** location/list's answer split for the picker: single countries, and regions (several countries). */
async function locationChoices(c: MerchantPageContext, current: string) {
  const locations = await listLocations(c.merchant);
  return { countries: locations.filter((l) => !l.subLocationList), regions: locations.filter((l) => l.subLocationList), current };
}

export const catalogueRoutes = [
  page('/console/catalogue', { auth: 'merchant' }, async (c) => {
    const filter = filterOf(c.query);
    const [result, locations] = await Promise.all([browsePackages({ ctx: c.merchant, input: filter }), locationChoices(c, filter.locationCode ?? '')]);
    const here = withQuery(c.path, c.query, {});
    const q = (name: string) => c.query.get(name) ?? '';
    const filtered = [...c.query.keys()].some((k) => k !== 'page');
    return view(
      'Catalogue',
      <>
        <form method="get" action="/console/catalogue" class="acct-filters" role="search" aria-label="Filter plans">
          <div class="field">
            <label for="f-location">Country or region</label>
            <select id="f-location" name="location">
              <option value="">Anywhere</option>
              <option value="!RG" selected={locations.current === '!RG'}>
                Every regional plan
              </option>
              <option value="!GL" selected={locations.current === '!GL'}>
                Every global plan
              </option>
              <optgroup label="Regions">
                {locations.regions.map((l) => (
                  <option value={l.code} selected={locations.current.toUpperCase() === l.code}>
                    {l.name}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Countries">
                {locations.countries.map((l) => (
                  <option value={l.code} selected={locations.current.toUpperCase() === l.code}>
                    {l.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
          <div class="field">
            <label for="f-type">Type</label>
            <select id="f-type" name="type">
              <option value="BASE">Plans (BASE)</option>
              <option value="TOPUP" selected={filter.type === 'TOPUP'}>
                Top-ups (TOPUP)
              </option>
            </select>
          </div>
          <NumberField name="minGb" label="Data from (GB)" value={q('minGb')} step="any" />
          <NumberField name="maxGb" label="Data up to (GB)" value={q('maxGb')} step="any" />
          <NumberField name="minDays" label="Days from" value={q('minDays')} step="1" />
          <NumberField name="maxDays" label="Days up to" value={q('maxDays')} step="1" />
          <NumberField name="minPrice" label="Price from (USD)" value={q('minPrice')} step="0.01" />
          <NumberField name="maxPrice" label="Price up to (USD)" value={q('maxPrice')} step="0.01" />
          <div class="field">
            <label for="f-q">Words</label>
            <input id="f-q" type="search" name="q" value={q('q')} />
          </div>
          <div class="field">
            <label for="f-sort">Sort</label>
            <select id="f-sort" name="sort">
              <option value="">Catalogue order</option>
              {catalogueSorts.map((s) => (
                <option value={s} selected={filter.sort === s}>
                  {SORT_NAMES[s]}
                </option>
              ))}
            </select>
          </div>
          <div class="field acct-check">
            <input id="f-favourites" type="checkbox" name="favourites" value="1" checked={filter.favouritesOnly} />
            <label for="f-favourites">Favourites only</label>
          </div>
          <div class="acct-actions">
            <button type="submit">Show plans</button>
            {filtered && <a href="/console/catalogue">Clear filters</a>}
          </div>
        </form>

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
                    <td class="num">{formatVolume(p.volume)}{p.dataType !== 1 ? '/day' : ''}</td>
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

function NumberField(props: { name: string; label: string; value: string; step: string }) {
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{props.label}</label>
      <input id={`f-${props.name}`} type="number" name={props.name} value={props.value} min="0" step={props.step} inputmode="decimal" />
    </div>
  );
}
