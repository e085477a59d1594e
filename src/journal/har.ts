import type { HeaderList } from './capture.js';
import type { JournalEntry, JournalMessage } from './journal.js';

/** HTTP Archive 1.2 (http://www.softwareishard.com/blog/har-12-spec/), only the parts a journal entry fills. */
export interface Har {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    entries: HarEntry[];
  };
}

interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: [];
    headers: HeaderList;
    queryString: HeaderList;
    postData?: { mimeType: string; text: string; comment?: string };
    headersSize: -1;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: [];
    headers: HeaderList;
    content: { size: number; mimeType: string; text?: string; comment?: string };
    redirectURL: '';
    headersSize: -1;
    bodySize: number;
    _error?: string;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number; blocked?: number };
  serverIPAddress?: string;
  _axys: Pick<JournalEntry, 'id' | 'decision' | 'chain' | 'operation' | 'programId' | 'fault' | 'reason' | 'remoteAddress'>;
}

function queryString(query: string | null): HeaderList {
  if (!query) return [];
  return [...new URLSearchParams(query)].map(([name, value]) => ({ name, value }));
}

function headerValue(m: JournalMessage | null, name: string): string | undefined {
  return m?.headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function toHarEntry(e: JournalEntry, origin: string): HarEntry {
  const req = e.request;
  const res = e.response;
  const body = req?.body;
  const total = e.durationMs ?? 0;
  const wait = e.timings.gatewayMs === null ? total : Math.max(0, total - e.timings.gatewayMs);
  const entry: HarEntry = {
    startedDateTime: new Date(e.time).toISOString(),
    time: total,
    request: {
      method: e.method ?? 'GET',
      url: `${origin}${e.path ?? '/'}${e.query === null ? '' : `?${e.query}`}`,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: req?.headers ?? [],
      queryString: queryString(e.query),
      headersSize: -1,
      bodySize: body?.size ?? 0,
    },
    response: {
      status: e.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: res?.headers ?? [],
      content: { size: res?.body?.size ?? 0, mimeType: res?.body?.mimeType ?? headerValue(res, 'content-type') ?? 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: res?.body?.size ?? 0,
    },
    cache: {},
    timings: { blocked: e.timings.gatewayMs ?? -1, send: 0, wait, receive: 0 },
    _axys: { id: e.id, decision: e.decision, chain: e.chain, operation: e.operation, programId: e.programId, fault: e.fault, reason: e.reason, remoteAddress: e.remoteAddress },
  };
  if (body) entry.request.postData = { mimeType: body.mimeType ?? 'application/octet-stream', text: body.text, ...(body.truncated ? { comment: 'truncated' } : {}) };
  if (res?.body) {
    entry.response.content.text = res.body.text;
    if (res.body.truncated) entry.response.content.comment = 'truncated';
  }
  if (e.status === null) entry.response._error = e.reason ?? 'no answer (the connection closed first)';
  return entry;
}

/** Journal entries (any order) as one HAR log, oldest first; refused handshakes have no HTTP exchange and are left out. */
export function toHar(entries: readonly JournalEntry[], origin: string, version: string): Har {
  const http = entries.filter((e) => e.method !== null).sort((a, b) => a.time - b.time);
  return { log: { version: '1.2', creator: { name: 'axys-mock', version }, entries: http.map((e) => toHarEntry(e, origin)) } };
}
