import { signaturePolicies, type SignaturePolicy } from '@esimkit/contract';
import { splitBlocklist } from '../../../domain/merchants/blocklist.js';
import { rotateSecretKey } from '../../../domain/merchants/rotate-secret-key.js';
import { updateMerchantSettings } from '../../../domain/merchants/update-settings.js';
import { Notice, PostForm, TextareaField } from '../../components.js';
import { action, page, redirect, view } from '../../routes.js';

// API access: the credentials the partner API checks (access code, secret key), how it checks
// signatures and which addresses it refuses. Changes go through the merchant verbs, which
// drop the merchant cache: the next API request already sees them. The rate limit is the
// operator's to set, so it is shown here, not changed.

const POLICY_TEXT: Record<SignaturePolicy, string> = {
  required: 'Every request must be signed; an unsigned or wrongly signed request is refused.',
  optional: 'Unsigned requests are served; a signed request with a wrong signature is refused.',
  warn: 'Every request is served; a signature problem is reported in the answer instead of refusing it (for moving a client to signing).',
  off: 'Signatures are not checked at all.',
};

export const apiAccessRoutes = [
  page('/console/api', { auth: 'merchant' }, (c) => {
    const m = c.merchant.merchant;
    const blocklist = JSON.parse(m.ip_blocklist) as string[];
    return view(
      'API access',
      <>
        {c.query.get('rotated') === '1' && <Notice>A new secret key is in use. The old one no longer works.</Notice>}
        {c.query.get('saved') === 'policy' && <Notice>Signature policy saved; it applies to the next request.</Notice>}
        {c.query.get('saved') === 'blocklist' && <Notice>Block list saved; it applies to the next request.</Notice>}

        <section aria-labelledby="credentials">
          <h2 id="credentials">Credentials</h2>
          <dl class="acct-facts">
            <dt>Access code (RT-AccessCode)</dt>
            <dd>
              <code class="acct-break" data-testid="access-code">
                {m.access_code}
              </code>
            </dd>
            <dt>Secret key</dt>
            <dd>
              <details class="acct-secret">
                <summary>Show the secret key</summary>
                <code class="acct-break" data-testid="secret-key">
                  {m.secret_key}
                </code>
              </details>
            </dd>
            <dt>Rate limit</dt>
            <dd>{m.rate_limit === 0 ? 'Unlimited' : `${m.rate_limit} requests a second, bursts of ${m.rate_burst}`} (set by the operator)</dd>
          </dl>
          <PostForm action="/console/api/secret/rotate" confirm="Make a new secret key? The current key stops working at once: update your clients right after.">
            <button type="submit" class="danger">
              Rotate the secret key
            </button>
          </PostForm>
        </section>

        <section aria-labelledby="policy">
          <h2 id="policy">Signature policy</h2>
          <PostForm action="/console/api/signature-policy">
            <fieldset class="acct-choices">
              <legend>How the API treats request signatures</legend>
              {[...signaturePolicies].reverse().map((p) => (
                <div class="acct-choice">
                  <input type="radio" id={`policy-${p}`} name="signaturePolicy" value={p} checked={m.signature_policy === p} aria-describedby={`policy-${p}-hint`} />
                  <label for={`policy-${p}`}>{p}</label>
                  <p class="hint" id={`policy-${p}-hint`}>
                    {POLICY_TEXT[p]}
                  </p>
                </div>
              ))}
            </fieldset>
            <button type="submit">Save the policy</button>
          </PostForm>
        </section>

        <section aria-labelledby="blocklist">
          <h2 id="blocklist">IP block list</h2>
          <PostForm action="/console/api/blocklist">
            <TextareaField
              label="Addresses and CIDR blocks refused with 101002"
              name="blocklist"
              rows={4}
              value={blocklist.join('\n')}
              hint="One per line (or separated by commas), such as 203.0.113.7 or 198.51.100.0/24. Applies to the partner API only, not to this console."
            />
            <button type="submit">Save the block list</button>
          </PostForm>
        </section>
      </>,
    );
  }),

  action('/console/api/secret/rotate', { auth: 'merchant' }, async (c) => {
    await rotateSecretKey({ ctx: c.merchant, input: {} });
    return redirect('/console/api?rotated=1');
  }),

  action('/console/api/signature-policy', { auth: 'merchant' }, async (c) => {
    const signaturePolicy = (c.form.get('signaturePolicy') ?? '') as SignaturePolicy;
    await updateMerchantSettings({ ctx: c.merchant, input: { accessCode: c.merchant.merchant.access_code, signaturePolicy } });
    return redirect('/console/api?saved=policy');
  }),

  action('/console/api/blocklist', { auth: 'merchant' }, async (c) => {
    const ipBlocklist = splitBlocklist(c.form.get('blocklist') ?? '');
    await updateMerchantSettings({ ctx: c.merchant, input: { accessCode: c.merchant.merchant.access_code, ipBlocklist } });
    return redirect('/console/api?saved=blocklist');
  }),
];
