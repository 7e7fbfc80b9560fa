import type { ComponentChildren } from 'preact';
import { catalogueSorts, type CatalogueFilter, type CatalogueSort } from '../../../domain/catalog/browse-packages.js';
import { listLocations } from '../../../domain/catalog/list-locations.js';
import { CheckboxField, Field, SelectField } from '../../components.js';
import type { MerchantPageContext } from '../../routes.js';
import { queryDecimal, queryInt } from './parts.js';

// The catalogue's filters: read from the query string in people's units (GB, days, USD) into
// browsePackages' filter, and the GET form that writes them (so a filtered list is a link).

export const CATALOGUE_PAGE_SIZE = 50;
const GB = 1024 ** 3;
const UNITS_PER_USD = 10_000;
const SORT_NAMES: Record<CatalogueSort, string> = {
  price: 'Price, lowest first',
  '-price': 'Price, highest first',
  volume: 'Data, least first',
  '-volume': 'Data, most first',
  duration: 'Days, fewest first',
  '-duration': 'Days, most first',
};

export function catalogueFilterOf(query: URLSearchParams): CatalogueFilter {
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
    pageSize: CATALOGUE_PAGE_SIZE,
  };
}

export type LocationChoices = Awaited<ReturnType<typeof locationChoices>>;

/** location/list's answer split for the picker: single countries, and regions (several countries). */
export async function locationChoices(c: MerchantPageContext, current: string) {
  const locations = await listLocations(c.merchant);
  return { countries: locations.filter((l) => !l.subLocationList), regions: locations.filter((l) => l.subLocationList), current };
}

export function CatalogueFilterForm(props: { filter: CatalogueFilter; query: URLSearchParams; locations: LocationChoices; filtered: boolean }): ComponentChildren {
  const q = (name: string) => props.query.get(name) ?? '';
  return (
    <form method="get" action="/console/catalogue" class="acct-filters" role="search" aria-label="Filter plans">
      <div class="field">
        <label for="f-location">Country or region</label>
        <select id="f-location" name="location">
          <option value="">Anywhere</option>
          <option value="!RG" selected={props.locations.current === '!RG'}>
            Every regional plan
          </option>
          <option value="!GL" selected={props.locations.current === '!GL'}>
            Every global plan
          </option>
          <optgroup label="Regions">
            {props.locations.regions.map((l) => (
              <option value={l.code} selected={props.locations.current.toUpperCase() === l.code}>
                {l.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Countries">
            {props.locations.countries.map((l) => (
              <option value={l.code} selected={props.locations.current.toUpperCase() === l.code}>
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
          <option value="TOPUP" selected={props.filter.type === 'TOPUP'}>
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
      <Field label="Words" name="q" type="search" value={q('q')} />
      <SelectField label="Sort" name="sort" value={props.filter.sort} options={[{ value: '', label: 'Catalogue order' }, ...catalogueSorts.map((s) => ({ value: s, label: SORT_NAMES[s] }))]} />
      <CheckboxField id="f-favourites" label="Favourites only" name="favourites" checked={props.filter.favouritesOnly} class="acct-check" />
      <div class="acct-actions">
        <button type="submit">Show plans</button>
        {props.filtered && <a href="/console/catalogue">Clear filters</a>}
      </div>
    </form>
  );
}

/** A number filter (0 or more); `step` as the input takes it. */
function NumberField(props: { name: string; label: string; value: string; step: string }) {
  return <Field label={props.label} name={props.name} type="number" value={props.value} min="0" step={props.step} inputmode="decimal" />;
}
