import { formatUnits } from '@esimkit/contract';
import { listMerchants } from '../../domain/merchants/list.js';
import { page, view } from '../routes.js';

// The operator's home: the merchants, with their balances.

export const operatorRoutes = [
  page('/console/operator', { auth: 'operator' }, async (c) => {
    const merchants = await listMerchants({ ctx: c.ctx });
    return view(
      'Overview',
      <section aria-labelledby="merchants">
        <h2 id="merchants">Merchants ({merchants.length})</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Access code</th>
                <th scope="col">Signature policy</th>
                <th scope="col" class="num">
                  Balance
                </th>
              </tr>
            </thead>
            <tbody>
              {merchants.map((m) => (
                <tr>
                  <th scope="row">{m.name}</th>
                  <td>
                    <code>{m.accessCode}</code>
                  </td>
                  <td>{m.signaturePolicy}</td>
                  <td class="num">{formatUnits(m.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>,
    );
  }),
];
