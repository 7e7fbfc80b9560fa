import { randomUUID } from 'node:crypto';
import { esimOrder, formatUnits } from '@esimkit/contract';
import { listPackages } from '../../../domain/catalog/list-packages.js';
import { placeOrder } from '../../../domain/orders/place.js';
import { parseInput } from '../../../http/parse-input.js';
import { Field, PostForm } from '../../components.js';
import { action, page, redirect, view } from '../../routes.js';
import { formatBytes } from './parts.js';

// /console/orders/new: order eSIMs of one package. The form POSTs to the same verb as
// esim/order (placeOrder), its fields read by the API's own parser, so a refusal is the
// API's code and message. The form carries a transactionId made when it was shown: sent
// twice (a double click, a resubmit after a network error), it places one order, as the
// API promises for a repeated transactionId.

export const newOrderRoutes = [
  page('/console/orders/new', { auth: 'merchant' }, async (c) => {
    const packageCode = c.query.get('packageCode')?.trim() ?? '';
    const [pkg] = packageCode ? await listPackages(c.merchant, { type: 'BASE', packageCode }) : [];
    return view(
      'New order',
      <>
        {pkg && (
          <div class="card package-summary">
            <p>
              <strong>{pkg.name}</strong> (<code>{pkg.packageCode}</code>)
            </p>
            <p>
              {formatBytes(pkg.volume)}
              {pkg.dataType === 1 ? '' : ' a day'}, {pkg.duration} days · {formatUnits(pkg.price)}
              {pkg.dataType === 1 ? ' per eSIM' : ' per day'}
            </p>
          </div>
        )}
        <PostForm action="/console/orders/new" class="card form-narrow">
          <input type="hidden" name="transactionId" value={`console-${randomUUID()}`} />
          <Field label="Package code" name="packageCode" value={packageCode} required autofocus={!packageCode} hint="A base plan's code or slug, as in the catalogue." />
          <Field label="Number of eSIMs" name="count" type="number" value="1" required hint="1 to 30." />
          <Field label="Days (day passes only)" name="periodNum" type="number" value="" hint="For a daily plan: how many days to buy. Leave empty otherwise." />
          <button type="submit">Place order</button>
        </PostForm>
        <p class="hint">
          The price is debited from the balance when the order is placed. <a href="/console/catalogue">Browse the catalogue</a>
        </p>
      </>,
    );
  }),

  action('/console/orders/new', { auth: 'merchant' }, async (c) => {
    const f = c.form;
    const body = { transactionId: f.get('transactionId'), packageInfoList: [{ packageCode: f.get('packageCode'), count: f.get('count'), periodNum: f.get('periodNum') }] };
    const input = parseInput(esimOrder, Buffer.from(JSON.stringify(body)));
    const placed = await placeOrder({ ctx: c.merchant, input });
    return redirect(`/console/orders/${encodeURIComponent(placed.orderNo)}?placed=1`);
  }),
];
