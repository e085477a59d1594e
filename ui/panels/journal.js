import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, copy, download, headers, platformCurl } from '../lib/api.js';
import { followJournal } from '../lib/stream.js';
import { Badge, html, time } from '../lib/html.js';

/** Entries held in the page (newest first) and rows drawn: bounded whatever the request rate. */
const HELD = 2000;
const SHOWN = 300;
const REDRAW_MS = 500;
const DECISIONS = ['', 'ok', 'tls_refused', 'ip_not_allowlisted', 'fcrdns_failed', 'unknown_certificate', 'invalid_api_key', 'rate_limited', 'fault'];

function statusClass(s) {
  return s ? `s${String(s)[0]}` : 'muted';
}

function passes(e, f) {
  if (f.method && e.method !== f.method) return false;
  if (f.decision && e.decision !== f.decision) return false;
  if (f.status && !String(e.status ?? '').startsWith(f.status)) return false;
  if (f.text && !`${e.path ?? ''} ${e.operation?.operationId ?? ''} ${e.id}`.toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}

/** Links from a path to the state browser: /v2/cards/20001 -> the card. */
function stateLinks(e) {
  const links = [];
  const m = /\/v2\/(cardholders|cards|wallets)\/(\d+)/.exec(e.path ?? '');
  if (m) links.push([`#state?tab=${m[1]}&id=${m[2]}`, `${m[1].replace(/s$/, '')} ${m[2]}`]);
  if (e.programId) links.push([`#state?tab=programs&id=${e.programId}`, `program ${e.programId}`]);
  return links;
}

function Headers({ list }) {
  if (!list?.length) return html`<p class="muted">none</p>`;
  return html`<table><tbody>${list.map((h) => html`<tr><td class="muted">${h.name}</td><td>${h.value}</td></tr>`)}</tbody></table>`;
}

function Body({ body }) {
  if (!body) return html`<p class="muted">no body</p>`;
  let text = body.text;
  try {
    if (body.text && !body.truncated) text = JSON.stringify(JSON.parse(body.text), null, 2);
  } catch { /* shown as is */ }
  return html`<div class="muted">${body.size} bytes${body.mimeType ? ` · ${body.mimeType}` : ''}${body.truncated ? ' · truncated' : ''}</div>${text ? html`<pre>${text}</pre>` : html`<p class="muted">(not read: refused before the body)</p>`}`;
}

function Detail({ id, config }) {
  const [entry, setEntry] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setEntry(null);
    api('GET', `/_mock/requests/${id}`).then(setEntry, (e) => setError(e.message));
  }, [id]);
  if (error) return html`<div class="card">${error}</div>`;
  if (!entry) return html`<div class="card muted">loading ${id}…</div>`;
  const ct = entry.request?.headers.find((h) => h.name === 'content-type')?.value;
  const curl = entry.method ? platformCurl(config.apiUrl, entry.method, `${entry.path}${entry.query ? `?${entry.query}` : ''}`, entry.request?.body?.text, ct) : null;
  return html`<div class="card" data-testid="detail">
    <h2>${entry.method ?? 'handshake'} ${entry.path ?? ''} <span class=${statusClass(entry.status)}>${entry.status ?? '—'}</span> <${Badge} value=${entry.decision} /></h2>
    <dl class="kv">
      <dt>id</dt><dd>${entry.id}</dd>
      <dt>operation</dt><dd>${entry.operation ? `${entry.operation.operationId} (${entry.operation.pathTemplate})` : '—'}</dd>
      <dt>caller</dt><dd>${entry.remoteAddress ?? '—'}</dd>
      <dt>timings</dt><dd>gateway ${entry.timings.gatewayMs ?? '—'} ms · total ${entry.timings.totalMs ?? '—'} ms</dd>
      ${entry.reason && html`<dt>reason</dt><dd>${entry.reason}</dd>`}
      <dt>state</dt><dd>${stateLinks(entry).map(([href, label]) => html`<a href=${href}>${label}</a> `)}</dd>
    </dl>
    <h3>Decision chain</h3>
    <ol class="chain" data-testid="chain">${entry.chain.map((s) => html`<li><${Badge} value=${s.outcome} /> <b>${s.step}</b> ${s.detail}</li>`)}</ol>
    ${curl && html`<h3>Copy as curl <button data-testid="copy-curl" onClick=${() => copy(curl)}>copy</button></h3><pre data-testid="entry-curl">${curl}</pre>`}
    <h3>Request headers</h3><${Headers} list=${entry.request?.headers} />
    <h3>Request body</h3><${Body} body=${entry.request?.body} />
    <h3>Response headers</h3><${Headers} list=${entry.response?.headers} />
    <h3>Response body</h3><${Body} body=${entry.response?.body} />
  </div>`;
}

export function JournalPanel({ config }) {
  const held = useRef([]);
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState('connecting');
  const [paused, setPaused] = useState(false);
  const [dropped, setDropped] = useState(0);
  const [selected, setSelected] = useState(null);
  const [filter, setFilter] = useState({ method: '', decision: '', status: '', text: '' });
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  const seen = useRef(0);

  useEffect(() => {
    // at most two redraws a second: under heavy load the table need not follow every 200 ms batch,
    // and each redraw costs CPU that the mock shares on a developer's machine
    let frame = 0;
    let timer = 0;
    let last = 0;
    const redraw = () => {
      if (frame || timer) return;
      timer = setTimeout(() => {
        timer = 0;
        frame = requestAnimationFrame(() => { frame = 0; last = performance.now(); setVersion((v) => v + 1); });
      }, Math.max(0, last + REDRAW_MS - performance.now()));
    };
    const add = (batch) => {
      // batch is oldest first; the table is newest first
      seen.current += batch.length;
      held.current = batch.reverse().concat(held.current).slice(0, HELD);
      if (!pausedRef.current) redraw();
    };
    api('GET', '/_mock/requests?limit=500').then((page) => {
      held.current = page.items.concat(held.current).slice(0, HELD);
      redraw();
    });
    const stop = followJournal({ onBatch: add, onDropped: (n) => setDropped((d) => d + n), onState: setLive });
    return () => { stop(); cancelAnimationFrame(frame); clearTimeout(timer); };
  }, []);

  const rows = useMemo(() => held.current.filter((e) => passes(e, filter)).slice(0, SHOWN), [version, filter]);
  const set = (k) => (e) => setFilter({ ...filter, [k]: e.target.value });
  const har = async () => {
    const q = new URLSearchParams();
    if (filter.method) q.set('method', filter.method);
    if (filter.decision) q.set('decision', filter.decision);
    const res = await fetch(`/_mock/requests/export.har?${q}`, { headers: headers() });
    download('axys-mock-journal.har', await res.blob());
  };
  return html`<div class="split">
    <div class="card">
      <div class="toolbar">
        <span class=${`badge ${live === 'live' ? 'b-ok' : 'b-warn'}`} data-testid="live">${live}</span>
        <label>method <select value=${filter.method} onChange=${set('method')} name="method">${['', 'GET', 'POST', 'PUT', 'DELETE'].map((m) => html`<option value=${m}>${m || 'any'}</option>`)}</select></label>
        <label>decision <select value=${filter.decision} onChange=${set('decision')} name="decision">${DECISIONS.map((d) => html`<option value=${d}>${d || 'any'}</option>`)}</select></label>
        <label>status <input size="4" value=${filter.status} onInput=${set('status')} name="status" placeholder="4" /></label>
        <label>find <input value=${filter.text} onInput=${set('text')} name="text" placeholder="path, operation, id" /></label>
        <button onClick=${() => setPaused(!paused)}>${paused ? 'resume' : 'pause'}</button>
        <button onClick=${har}>export HAR</button>
        <button class="danger" onClick=${() => api('DELETE', '/_mock/requests').then(() => { held.current = []; setVersion((v) => v + 1); })}>clear</button>
        <span class="muted" data-testid="counts">${seen.current} live · ${held.current.length} held${dropped ? ` · ${dropped} skipped by the stream` : ''}</span>
      </div>
      <div class="scroll"><table data-testid="journal-table">
        <thead><tr><th>time</th><th>method</th><th>path</th><th>status</th><th>decision</th><th>program</th><th>ms</th><th>fault</th></tr></thead>
        <tbody>${rows.map((e) => html`<tr key=${e.id} data-id=${e.id} class=${selected === e.id ? 'selected' : ''} onClick=${() => setSelected(e.id)}>
          <td>${time(e.time).slice(11)}</td><td>${e.method ?? 'TLS'}</td><td title=${e.path}>${e.path ?? e.reason}</td>
          <td class=${statusClass(e.status)}>${e.status ?? '—'}</td><td><${Badge} value=${e.decision} /></td>
          <td>${e.programId ?? ''}</td><td>${e.durationMs ?? ''}</td><td>${e.fault ?? ''}</td></tr>`)}</tbody>
      </table></div>
    </div>
    <div>${selected ? html`<${Detail} id=${selected} config=${config} />` : html`<div class="card muted">Select a request to see why it was answered so.</div>`}</div>
  </div>`;
}
