// One load row: autocannon in this process, keep-alive, bounded in time.
import autocannon from 'autocannon';

let keys = 0;

/**
 * @param {object} o
 * @param {string} o.url base URL
 * @param {{method?: string, path: string, body?: string, headers?: Record<string,string>}[]} o.requests cycled per connection
 * @param {{ca: string, cert: string, key: string}} [o.tls] client certificate (mTLS)
 */
export async function load({ url, requests, tls, connections, duration, headers = {}, overallRate }) {
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    ...(overallRate ? { overallRate } : {}),
    headers,
    requests: requests.map((r) => ({
      method: r.method ?? 'GET',
      path: r.path,
      body: r.body,
      headers: { ...headers, ...(r.body ? { 'content-type': 'application/json' } : {}), ...r.headers },
      // a fresh Idempotency-Key per request (keyed writes): every one is stored, none replayed
      ...(r.uniqueKey ? { setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `${r.uniqueKey}-${process.pid}-${++keys}` } }) } : {}),
    })),
    ...(tls ? { tlsOptions: tls } : {}),
  });
  const ok = result['2xx'];
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}
