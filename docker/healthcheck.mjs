// HEALTHCHECK of the image: the control plane's health, with the control token when one is set.
const port = process.env.CONTROL_PORT || '8081';
const headers = process.env.CONTROL_TOKEN ? { authorization: `Bearer ${process.env.CONTROL_TOKEN}` } : {};
try {
  const res = await fetch(`http://127.0.0.1:${port}/_mock/health`, { headers, signal: AbortSignal.timeout(2500) });
  const body = await res.json();
  process.exit(res.ok && body.status === 'ok' ? 0 : 1);
} catch {
  process.exit(1);
}
