// Every call to the control plane: same origin, the token the user gave (CONTROL_TOKEN), a JSON
// content type on every write and a custom header, so no cross-site page can make the same call.
const TOKEN_KEY = 'axys-mock-control-token';

const fromHash = new URLSearchParams(location.hash.replace(/^#[^?]*\??/, '')).get('token');
if (fromHash) sessionStorage.setItem(TOKEN_KEY, fromHash);

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY)),
};

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function headers(extra = {}) {
  const t = token.get();
  return { 'X-Requested-With': 'axys-mock-dashboard', ...(t ? { Authorization: `Bearer ${t}` } : {}), ...extra };
}

export async function api(method, path, body) {
  const init = { method, headers: headers(method === 'GET' ? {} : { 'Content-Type': 'application/json' }) };
  if (method !== 'GET' && method !== 'DELETE') init.body = JSON.stringify(body ?? {});
  const res = await fetch(path, init);
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new ApiFailure(res.status, parsed);
  return parsed;
}

let config;
export async function uiConfig() {
  config ??= await (await fetch('./config.json')).json();
  return config;
}

/** A single-quoted shell word, the same in bash and zsh. */
export function sh(word) {
  return `'${String(word).replace(/'/g, `'\\''`)}'`;
}

/** The curl for a control call from this page. */
export function controlCurl(method, path, body) {
  const parts = ['curl', '-sS'];
  if (method !== 'GET') parts.push('-X', method);
  if (token.get()) parts.push('-H', '"Authorization: Bearer $CONTROL_TOKEN"');
  // every write carries the JSON content type, body or not: the control plane refuses writes without it
  if (method !== 'GET') parts.push('-H', sh('Content-Type: application/json'));
  if (body !== undefined) parts.push('--data', sh(JSON.stringify(body)));
  parts.push(sh(`${location.origin}${path}`));
  return parts.join(' ');
}

/** The curl an integrator runs for a platform request: mTLS certificate flags and the API key from the environment. */
export function platformCurl(apiUrl, method, pathAndQuery, bodyText, contentType) {
  const parts = ['curl', '-sS', '--cacert', 'ca.pem', '--cert', 'client.pem', '--key', 'client.key'];
  if (method !== 'GET') parts.push('-X', method);
  parts.push('-H', '"X-API-Key: $AXYS_API_KEY"');
  if (bodyText) parts.push('-H', sh(`Content-Type: ${contentType ?? 'application/json'}`), '--data', sh(bodyText));
  parts.push(sh(`${apiUrl}${pathAndQuery}`));
  return parts.join(' ');
}

export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function download(name, content, type = 'application/octet-stream') {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
