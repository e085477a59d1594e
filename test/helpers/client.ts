import https from 'node:https';
import type { RunningMock } from '../../src/mock.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface ClientOptions {
  /** fixture program whose client certificate to present (default 1, the staging program) */
  programId?: number;
  /** X-API-Key to send; null sends none; default: the program's first fixture key */
  apiKey?: string | null;
  /** explicit certificate instead of a fixture program's; null presents no certificate */
  cert?: { certPem: string; keyPem: string } | null;
  /** source address, e.g. 127.0.0.2 to call from outside the allowlist */
  localAddress?: string;
  /** a keep-alive agent to reuse connections (load and concurrency tests); default: a fresh connection per request */
  agent?: https.Agent;
}

export interface RequestOptions {
  body?: unknown;
  /** raw body text or bytes, sent as is (garbage JSON tests) */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** give up (reject with code 'CLIENT_TIMEOUT') when no response arrived within this many ms */
  timeoutMs?: number;
}

/** Talks to the platform API the way an integrator does: real mTLS, one fresh connection per request. */
export function apiClient(mock: RunningMock, options: ClientOptions = {}) {
  const programId = options.programId ?? 1;
  const fixture = mock.certs.clients.get(programId);
  const cert = options.cert === undefined ? (fixture ? { certPem: fixture.certPem, keyPem: fixture.keyPem } : null) : options.cert;
  const apiKey =
    options.apiKey === undefined
      ? (mock.store.state.apiKeys.find((k) => k.programId === programId && !k.revoked)?.apiKey ?? null)
      : options.apiKey;
  const url = new URL(mock.apiUrl);

  function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const headers: Record<string, string> = { ...(apiKey ? { 'X-API-Key': apiKey } : {}), ...opts.headers };
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port,
          path,
          method,
          headers,
          ca: mock.certs.ca.certPem,
          cert: cert?.certPem,
          key: cert?.keyPem,
          localAddress: options.localAddress,
          agent: options.agent ?? false,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let body: any = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              /* left as text */
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (opts.timeoutMs !== undefined) {
        req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`no response within ${opts.timeoutMs} ms`), { code: 'CLIENT_TIMEOUT' })));
      }
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  return {
    request,
    get: <T = any>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
    put: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
    delete: <T = any>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The control plane, over plain HTTP. */
export function controlClient(mock: RunningMock, token?: string) {
  async function call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(`${mock.controlUrl}${path}`, {
      method,
      headers: { 'X-Requested-With': 'axys-mock-tests', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* left as text */
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed, text };
  }
  return {
    call,
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
  };
}

/** Resolves with the client-side error of a connection the server refused (rejects if a response came back). */
export function expectHandshakeRefused(promise: Promise<ApiResponse>): Promise<Error> {
  return promise.then(
    (res) => {
      throw new Error(`expected the handshake to be refused, got HTTP ${res.status}`);
    },
    (err: Error) => err,
  );
}
