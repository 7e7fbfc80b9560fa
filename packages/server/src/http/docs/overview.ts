import { code, escapeHtml, heading, jsonBlock, table, type Section } from './html.js';
import type { Operation } from './endpoints.js';
import { endpointId, shortPath } from './endpoints.js';

// What holds for every call: transport, the envelope, units and formats.

export function overviewSection(baseUrl: string, operations: Operation[]): Section {
  const nullOnSuccess = operations.filter((op) => (op.answerExamples.success?.value as { errorCode?: unknown } | undefined)?.errorCode === null);
  const envelope = table(
    ['field', 'type', 'meaning'],
    [
      ['success', 'boolean', '`true` when the call did what was asked.'],
      ['errorCode', 'string or null', 'On failure a six-digit code (see Error codes). On success `"0"`, or `null` for the endpoints listed below.'],
      ['errorMsg', 'string or null', 'On failure what went wrong, in words; `null` on success.'],
      ['errorMessage', 'string or null', 'The same text as `errorMsg` (clients read one or the other).'],
      ['obj', 'object or null', 'The answer itself, described under each endpoint; `null` on failure.'],
    ].map(([name, type, meaning]) => ({
      cells: [code(name!), escapeHtml(type!), escapeHtml(meaning!).replace(/`([^`]+)`/g, '<code>$1</code>')],
    })),
  );
  const html = `${heading(2, 'overview', 'Overview')}
<p>esimkit serves the eSIM Access partner API v1: a partner's existing client works against it by changing only its base URL. This server's base URL is ${code(baseUrl)}.</p>
${heading(3, 'transport', 'Requests and answers')}
<ul>
<li>Every endpoint is ${code('POST')} with a JSON object as the body, whatever the ${code('content-type')}; an empty body counts as ${code('{}')}.</li>
<li>Empty strings in the body mean "not given", and fields an endpoint does not know are ignored.</li>
<li>Every answer is HTTP 200 with the JSON envelope below, failures included (unknown paths, oversized bodies, rate limiting). Anything other than 200 is a transport problem. Each answer carries ${code('X-Request-Id')}.</li>
</ul>
${envelope}
<p>${code('errorCode')} is ${code('null')} on success for ${nullOnSuccess.map((op) => `<a href="#${endpointId(op.name)}">${code(shortPath(op.path))}</a>`).join(', ')}, and ${code('"0"')} for every other endpoint, as the vendor's own answers do. A failure looks like:</p>
${jsonBlock({ success: false, errorCode: '200007', errorMsg: 'Insufficient account balance', errorMessage: 'Insufficient account balance', obj: null }, 'example failure')}
${heading(3, 'units', 'Units and formats')}
<ul>
<li><strong>Money</strong> is an integer count of 1/10,000 US dollars: ${code('10000')} is $1.00, ${code('76000')} is $7.60. Prices, amounts and balances all use it.</li>
<li><strong>Data volumes</strong> are bytes; 1 GB in a plan name is 1,073,741,824 bytes. A daily plan's volume is its daily allowance.</li>
<li><strong>Times in answers</strong> are UTC, written ${code('2026-03-14T09:15:03+0000')} (no colon in the offset). Time filters in requests accept ${code('2026-03-14T09:15+00:00')}, ${code('...Z')}, with or without seconds. Webhook times are ${code('2026-03-14T09:15:03Z')}.</li>
<li><strong>Identifiers</strong>: ${code('orderNo')} is ${code('B')} + ${code('yyMMddHHmm')} + a four-digit sequence (${code('B26031409150007')}); ${code('esimTranNo')} is the same without the ${code('B')} and identifies an eSIM (ICCIDs can be reused, so prefer it); ICCIDs are 18 to 20 digits (a trailing ${code('F')} is accepted); ${code('transactionId')} is yours, unique per order, at most 50 characters.</li>
<li><strong>Durations</strong> are days (${code('durationUnit')} is always ${code('"DAY"')}).</li>
</ul>`;
  return {
    id: 'overview',
    title: 'Overview',
    html,
    entries: [
      { id: 'transport', title: 'Requests and answers' },
      { id: 'units', title: 'Units and formats' },
    ],
  };
}
