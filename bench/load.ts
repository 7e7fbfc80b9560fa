import { randomUUID } from 'node:crypto';
import { computeSignature } from '@esimkit/contract';
import autocannon from 'autocannon';
import { cpuShare, cpuSample, serveParent, type LoadRequest, type LoadResult } from './shared.js';

// Child process: the load generator (autocannon), on its own core. Signed requests get a
// fresh RT-Timestamp / RT-RequestID / RT-Signature each (RequestIDs are single-use).

async function load(request: LoadRequest): Promise<LoadResult> {
  const { accessCode, secretKey } = request.credentials;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'RT-AccessCode': accessCode };
  const instance = autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.duration,
    requests: [
      {
        method: 'POST',
        path: request.path,
        headers,
        body: request.body,
        ...(request.signed
          ? {
              setupRequest(req) {
                const timestamp = String(Date.now());
                const requestId = randomUUID();
                req.headers['RT-Timestamp'] = timestamp;
                req.headers['RT-RequestID'] = requestId;
                req.headers['RT-Signature'] = computeSignature(secretKey, { timestamp, requestId, accessCode, body: request.body });
                return req;
              },
            }
          : {}),
      },
    ],
  });

  // autocannon's own latency histogram has 1 ms resolution; keep every 2xx latency instead.
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status < 200 || status >= 300) return;
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = ms;
  });

  const before = cpuSample();
  const result = await instance;
  const clientCpu = cpuShare(before, cpuSample());

  const sorted = latencies.subarray(0, count).sort();
  const at = (q: number) => (count === 0 ? NaN : sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))]!);
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    rps: result.requests.average,
    p50: at(0.5),
    p99: at(0.99),
    mean: count ? sum / count : NaN,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
    clientCpu,
  };
}

serveParent({ load: async (message) => ({ result: await load(message.request as LoadRequest) }) });
process.send!({ type: 'ready' });
