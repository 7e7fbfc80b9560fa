import { computeSignature } from '@esimkit/contract';
import { code, heading, inline, pre, table, type Section } from './html.js';

// Authentication and request signing, with a worked example computed by the same function
// the server verifies with (so the page cannot show a wrong signature).

/** The test vector of the vendor's documentation (field notes §2): anyone can check it. */
const worked = {
  secretKey: '1111',
  accessCode: '11111',
  timestamp: '1628670421',
  requestId: '4ce9d9cdac9e4e17b3a2c66c358c1ce2',
  body: '{"imsi":"326543826"}',
};

const policies: [string, string, string][] = [
  ['off', 'served', 'served: the signature headers are not looked at'],
  [
    'warn',
    'served',
    'served anyway; the answer carries an `X-Esimkit-Warning` header holding the code and message the request would have been refused with, e.g. `101003 Request signature mismatch.`',
  ],
  ['optional', 'served', 'refused with the code of the first problem found'],
  ['required', 'refused with `000101`', 'refused with the code of the first problem found'],
];

export function authSection(baseUrl: string): Section {
  const signature = computeSignature(worked.secretKey, worked);
  const signData = `${worked.timestamp}${worked.requestId}${worked.accessCode}${worked.body}`;
  const headers = table(
    ['header', 'when', 'value'],
    [
      ['RT-AccessCode', 'every request', "The merchant's access code. It identifies the merchant; alone it is enough unless the merchant's policy is `required`."],
      ['RT-Timestamp', 'signed requests', 'Unix time of sending, in milliseconds or seconds (values below 10^11 are read as seconds).'],
      ['RT-RequestID', 'signed requests', 'A fresh UUID per request, with or without dashes. Each is accepted once: sent again within the window it is a replay.'],
      ['RT-Signature', 'signed requests', 'Lower- or upper-case hex of HMAC-SHA256(SecretKey, signData).'],
    ].map(([name, when, value]) => ({ cells: [code(name!), inline(when!), inline(value!)] })),
  );
  const example = table(
    ['input', 'value'],
    [
      ['SecretKey', worked.secretKey],
      ['RT-AccessCode', worked.accessCode],
      ['RT-Timestamp', worked.timestamp],
      ['RT-RequestID', worked.requestId],
      ['body (exact bytes)', worked.body],
    ].map(([name, value]) => ({ cells: [inline(name!), code(value!)] })),
  );
  const policyTable = table(
    ['policy', 'request without RT-Signature', 'request with a signature problem'],
    policies.map(([name, unsigned, problem]) => ({ cells: [code(name), inline(unsigned), inline(problem)] })),
  );
  const shell = [
    `BASE=${baseUrl}`,
    `AC='<RT-AccessCode>'; SK='<SecretKey>'`,
    `BODY='{"locationCode":"JP"}'`,
    'TS=$(date +%s)',
    "RID=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \\n')",
    `SIG=$(printf '%s' "$TS$RID$AC$BODY" | openssl dgst -sha256 -hmac "$SK" -r | cut -d' ' -f1)`,
    'curl -X POST "$BASE/api/v1/open/package/list" -H "RT-AccessCode: $AC" \\',
    '  -H "RT-Timestamp: $TS" -H "RT-RequestID: $RID" -H "RT-Signature: $SIG" --data "$BODY"',
  ].join('\n');
  const html = `${heading(2, 'auth', 'Authentication and signing')}
<p>Each merchant has an access code and a secret key (printed by ${code('esimkit merchant create')}, and at start for the sandbox's demo merchant). Every request carries the access code; a signed request adds three headers. The secret key itself is never sent.</p>
${headers}
${heading(3, 'signing', 'How a signature is made')}
<ol>
<li>Serialise the body first: the signature covers the exact bytes sent, so sign the same string you send (a re-serialised body with other spacing no longer matches). An empty body signs as an empty string.</li>
<li>Concatenate, with nothing between them: ${code('signData = RT-Timestamp + RT-RequestID + RT-AccessCode + body')}.</li>
<li>${code('RT-Signature = hex(HMAC-SHA256(key = SecretKey, message = signData))')}.</li>
</ol>
${heading(3, 'signing-example', 'Worked example')}
<p>With these inputs (the test vector of the vendor's documentation):</p>
${example}
<p>the text that is signed is</p>
${pre(signData, 'signData of the worked example')}
<p>and the signature is</p>
${pre(signature, 'signature of the worked example')}
<p>Its timestamp is from 2021, so a server would refuse that exact request as expired (${code('101001')}); it is there to check an implementation. A real call, in a shell with ${code('openssl')}:</p>
${pre(shell, 'signing a request in a shell')}
${heading(3, 'signing-checks', 'What is checked, in order')}
<ol>
<li>${code('RT-AccessCode')} present and known, else ${code('000101')}.</li>
<li>The caller's IP is not on the merchant's block list, else ${code('101002')}.</li>
<li>The merchant's rate limit (8 requests a second by default, per access code), else ${code('900001')} with ${code('Retry-After')}.</li>
<li>The signature, per the merchant's policy below: headers present (${code('000101')}) and well-formed (${code('000102')}), timestamp within the window of now (5 minutes by default, ${code('SIGNATURE_WINDOW_SECONDS')}, else ${code('101001')}), signature matches (${code('101003')}), RequestID not seen before (${code('101001')}).</li>
<li>Then the body and its fields (${code('000104')} to ${code('000107')}), then the endpoint itself.</li>
</ol>
${heading(3, 'signature-policies', 'Signature policies')}
<p>Each merchant has a policy, set with ${code('esimkit merchant create --signature POLICY')}. Only ${code('required')} refuses a request for being unsigned: the live service accepts unsigned requests. The default is ${code('warn')} for merchants created in sandbox mode (a client that signs wrongly keeps working, as it would against the live service, and the header says what is wrong) and ${code('optional')} in production mode.</p>
${policyTable}`;
  return {
    id: 'auth',
    title: 'Authentication and signing',
    html,
    entries: [
      { id: 'signing', title: 'How a signature is made' },
      { id: 'signing-example', title: 'Worked example' },
      { id: 'signing-checks', title: 'What is checked' },
      { id: 'signature-policies', title: 'Signature policies' },
    ],
  };
}
