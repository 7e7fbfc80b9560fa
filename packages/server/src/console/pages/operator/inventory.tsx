import { importInventory, inventoryLevels, parseInventoryCsv } from '../../../domain/inventory/import.js';
import { CsrfField, Field, Notice } from '../../components.js';
import { action, page, redirect, view } from '../../routes.js';
import { UPLOAD_LIMIT } from './catalogue.js';
import { NoRows, refused } from './parts.js';

// /console/operator/inventory: import real profiles (the inventory CSV of
// docs/file-formats.md, through importInventory like `esimkit inventory import`), and the
// stock per package (inventoryLevels, as `esimkit inventory list`). A package with an
// inventory is allocated from it: none free answers orders with 200011.

export const inventoryPageRoutes = [
  page('/console/operator/inventory', { auth: 'operator' }, async (c) => {
    const levels = await inventoryLevels(c.ctx);
    const imported = c.query.get('imported');
    return view(
      'Inventory',
      <>
        {imported && (
          <Notice>
            Imported {imported} profiles ({c.query.get('skipped') ?? '0'} already present) for {c.query.get('packages') ?? ''}.
          </Notice>
        )}
        <ImportForm />
        <section aria-labelledby="stock">
          <h2 id="stock">Stock per package</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col" class="num">
                    Free
                  </th>
                  <th scope="col" class="num">
                    Used
                  </th>
                  <th scope="col" class="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {levels.length === 0 && <NoRows columns={4}>No inventory: every package's eSIMs are simulated.</NoRows>}
                {levels.map((l) => (
                  <tr class={l.free === 0 ? 'op-out-of-stock' : undefined}>
                    <th scope="row">
                      <a href={`/console/operator/catalogue/${encodeURIComponent(l.packageCode)}`}>
                        <code>{l.packageCode}</code>
                      </a>
                    </th>
                    <td class="num">{l.free === 0 ? '0 (out of stock)' : l.free}</td>
                    <td class="num">{l.total - l.free}</td>
                    <td class="num">{l.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </>,
    );
  }),

  action('/console/operator/inventory/import', { auth: 'operator', bodyLimit: UPLOAD_LIMIT }, async (c) => {
    const text = c.form.get('file') ?? '';
    const name = c.form.get('file.filename') || 'the file';
    const defaultPackage = c.form.get('package')?.trim() || undefined;
    if (text.trim() === '') return refused('Choose an inventory file to import (CSV with columns iccid, imsi, ac and packageCode).');
    // The file's own problems (a bad row, an unknown package) are no API error: say them as the CLI does.
    let result: Awaited<ReturnType<typeof importInventory>>;
    try {
      result = await importInventory({ ctx: c.ctx, input: parseInventoryCsv(text, defaultPackage) });
    } catch (error) {
      return refused(`Cannot import ${name}: ${(error as Error).message}`);
    }
    const q = new URLSearchParams({ imported: String(result.imported), skipped: String(result.skipped), packages: result.packages.join(', ') });
    return redirect(`/console/operator/inventory?${q.toString()}`);
  }),
];

function ImportForm() {
  return (
    <section aria-labelledby="import">
      <h2 id="import">Import profiles</h2>
      <form method="post" action="/console/operator/inventory/import" enctype="multipart/form-data" class="card form-narrow">
        <CsrfField />
        <Field
          id="f-inventory-file"
          label="Inventory file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          required
          hint="CSV with columns iccid, imsi, ac and packageCode (docs/file-formats.md). Profiles already held are skipped; one bad row refuses the whole file."
        />
        <Field
          label="Package (for rows without packageCode)"
          name="package"
          hint={
            <>
              A plan's code or slug, like <code>--package</code> of the CLI.
            </>
          }
        />
        <button type="submit">Import profiles</button>
      </form>
    </section>
  );
}
