import { formatUnits } from '@esimkit/contract';
import { importCatalog, parseCatalogText } from '../../../domain/catalog/import.js';
import { listPackages } from '../../../domain/catalog/list-packages.js';
import { setPackagePrice } from '../../../domain/catalog/set-price.js';
import { CsrfField, Field, Notice, PostForm } from '../../components.js';
import { action, page, redirect, view } from '../../routes.js';
import { Facts, Filters, NoRows, OP_PAGE_SIZE, pageNumber, Pages, refused, Select, unitsToDollars, dollarsToUnits, notFound } from './parts.js';

// /console/operator/catalogue: import a catalogue file (the CSV price list or JSON package
// list of docs/file-formats.md, through importCatalog like `esimkit catalog import`), the
// packages with their prices as package/list answers them (listPackages), and a package's
// page to change its price (setPackagePrice).

/** Uploads may be as large as the bundled price list (about 0.5 MB) and more. */
export const UPLOAD_LIMIT = 8 * 1024 * 1024;

const TYPES = [
  ['BASE', 'Plans'],
  ['TOPUP', 'Top-ups'],
] as const;

export const cataloguePageRoutes = [
  page('/console/operator/catalogue', { auth: 'operator' }, async (c) => {
    const q = c.query;
    const type = q.get('type') === 'TOPUP' ? 'TOPUP' : 'BASE';
    const location = q.get('location')?.trim().toUpperCase() ?? '';
    const search = q.get('q')?.trim().toLowerCase() ?? '';
    const all = await listPackages(c.ctx, { type, ...(location ? { locationCode: location } : {}) });
    const matching = search ? all.filter((p) => p.packageCode.toLowerCase().includes(search) || p.name.toLowerCase().includes(search) || p.slug.toLowerCase().includes(search)) : all;
    const pageNum = pageNumber(q);
    const shown = matching.slice((pageNum - 1) * OP_PAGE_SIZE, pageNum * OP_PAGE_SIZE);
    const imported = q.get('imported');
    return view(
      'Catalogue',
      <>
        {imported && (
          <Notice>
            Imported {imported} packages and {q.get('locations') ?? '0'} locations. Partners see the new catalogue at once.
          </Notice>
        )}
        <ImportForm />
        <h2 id="packages">Packages</h2>
        <Filters action="/console/operator/catalogue" label="Filter packages" active={Boolean(location || search || q.get('type'))}>
          <Select label="Type" name="type" value={type} options={TYPES} />
          <Field label="Location code" name="location" value={location} hint="JP, EU-42, !RG (regional) or !GL (global)." />
          <Field label="Code, slug or name" name="q" type="search" value={q.get('q') ?? ''} />
        </Filters>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Package</th>
                <th scope="col">Name</th>
                <th scope="col">Location</th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col" class="num">
                  Retail price
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.length === 0 && <NoRows columns={5}>{all.length === 0 ? 'The catalogue is empty: import a price list.' : 'No package matches these filters.'}</NoRows>}
              {shown.map((p) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/operator/catalogue/${encodeURIComponent(p.packageCode)}`}>
                      <code>{p.packageCode}</code>
                    </a>
                  </th>
                  <td>{p.name}</td>
                  <td>
                    <code>{p.locationCode}</code>
                  </td>
                  <td class="num">{formatUnits(p.price)}</td>
                  <td class="num">{formatUnits(p.retailPrice)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pages path="/console/operator/catalogue" query={q} pageNum={pageNum} pageSize={OP_PAGE_SIZE} total={matching.length} noun="packages" />
      </>,
    );
  }),

  action('/console/operator/catalogue/import', { auth: 'operator', bodyLimit: UPLOAD_LIMIT }, async (c) => {
    const text = c.form.get('file') ?? '';
    const name = c.form.get('file.filename') || 'the file';
    if (text.trim() === '') return refused('Choose a catalogue file to import (a CSV price list or a JSON package list).');
    // The file's own problems (a bad row, a slug clash) are no API error: say them as the CLI does.
    let result: { packages: number; locations: number };
    try {
      const catalog = parseCatalogText(text);
      if (catalog.packages.length === 0) return refused(`Cannot import ${name}: it lists no packages.`);
      result = await importCatalog({ ctx: c.ctx, input: catalog });
    } catch (error) {
      return refused(`Cannot import ${name}: ${(error as Error).message}`);
    }
    return redirect(`/console/operator/catalogue?imported=${result.packages}&locations=${result.locations}`);
  }),

  page('/console/operator/catalogue/:code', { auth: 'operator' }, async (c) => {
    const code = c.params.code ?? '';
    const pkg = await findPackage(c, code);
    if (!pkg) return notFound(`There is no package ${code}.`);
    return view(
      pkg.name,
      <>
        <p>
          <a href="/console/operator/catalogue">All packages</a>
        </p>
        {c.query.get('done') === 'price' && <Notice>The price is saved; package/list answers with it from now on.</Notice>}
        <Facts
          items={[
            ['Code', <code>{pkg.packageCode}</code>],
            ['Slug', <code>{pkg.slug}</code>],
            ['Location', <code>{pkg.location}</code>],
            ['Price', formatUnits(pkg.price)],
            ['Retail price', formatUnits(pkg.retailPrice)],
            ['Duration', `${pkg.duration} ${pkg.durationUnit.toLowerCase()}s`],
          ]}
        />
        <PostForm action={`/console/operator/catalogue/${encodeURIComponent(pkg.packageCode)}/price`} class="card form-narrow" confirm="Change this package's price for every merchant?">
          <h2>Change the price</h2>
          <Field label="Price (USD)" name="price" value={unitsToDollars(pkg.price)} required hint="What merchants pay; esim/order must quote it (200005)." />
          <Field label="Retail price (USD)" name="retailPrice" value={unitsToDollars(pkg.retailPrice)} hint="The suggested price to travellers." />
          <button type="submit">Save price</button>
        </PostForm>
      </>,
    );
  }),

  action('/console/operator/catalogue/:code/price', { auth: 'operator' }, async (c) => {
    const code = c.params.code ?? '';
    const retail = c.form.get('retailPrice')?.trim();
    await setPackagePrice({
      ctx: c.ctx,
      input: { packageCode: code, price: dollarsToUnits(c.form.get('price')), ...(retail ? { retailPrice: dollarsToUnits(retail) } : {}) },
    });
    return redirect(`/console/operator/catalogue/${encodeURIComponent(code)}?done=price`);
  }),
];

/** A package by code, a plan or a top-up, as package/list renders it. */
async function findPackage(c: { ctx: Parameters<typeof listPackages>[0] }, code: string) {
  const [plan] = await listPackages(c.ctx, { type: 'BASE', packageCode: code });
  if (plan && plan.packageCode === code) return plan;
  const topups = await listPackages(c.ctx, { type: 'TOPUP' });
  return topups.find((p) => p.packageCode === code);
}

function ImportForm() {
  return (
    <section aria-labelledby="import">
      <h2 id="import">Import</h2>
      <form method="post" action="/console/operator/catalogue/import" enctype="multipart/form-data" class="card form-narrow">
        <CsrfField />
        <Field
          id="f-catalogue-file"
          label="Catalogue file"
          name="file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          required
          hint="A CSV price list or a JSON package list (docs/file-formats.md). Packages are added or updated by code, never deleted; one bad row refuses the whole file."
        />
        <button type="submit">Import catalogue</button>
      </form>
    </section>
  );
}
