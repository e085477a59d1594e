import { useState } from 'preact/hooks';
import { api, controlCurl } from '../lib/api.js';
import { Badge, html } from '../lib/html.js';
import { Result } from '../lib/result.js';
import { useAction, useApi } from '../lib/use.js';

/** Fault rules a chaos drill starts from (POST /_mock/faults bodies). */
export const FAULT_PRESETS = [
  ['503 storm', 'half the requests answer 503 with Retry-After: 5', { id: 'storm-503', fault: { type: 'status', status: 503, retryAfter: 5 }, probability: 0.5 }],
  ['slow platform', 'every answer 1.5-2 s late', { id: 'slow-platform', fault: { type: 'delay', ms: 1500, jitterMs: 500 } }],
  ['connection resets', 'a third of the requests reset', { id: 'resets', fault: { type: 'reset' }, probability: 0.33 }],
  ['after-commit timeout', 'the next write is done and stored, then the caller waits in vain', { id: 'after-commit-timeout', match: { method: 'POST' }, fault: { type: 'after-commit', then: { type: 'timeout' } }, times: 1 }],
  ['429 from the platform', 'the next 3 requests get 429 Retry-After: 2', { id: 'platform-429', fault: { type: 'status', status: 429, retryAfter: 2 }, times: 3 }],
];

/** Allowlists put aside by the IP drill, per program: kept when the user switches panels and comes back. */
let savedAllowlists = {};

export function FaultsPanel() {
  const faults = useApi('/_mock/faults', 2000);
  const programs = useApi('/_mock/programs');
  const certificates = useApi('/_mock/certificates');
  const { result, run } = useAction();
  const [programId, setProgramId] = useState('1');
  const buckets = useApi(`/_mock/rate-limits?programId=${programId}`, 1000);
  const [limit, setLimit] = useState({ requestsPerSecond: '', burst: '' });
  const [saved, setSavedState] = useState(savedAllowlists);
  const setSaved = (next) => setSavedState((savedAllowlists = next));
  const act = (label, method, path, body, after) =>
    run(label, () => api(method, path, body).then((r) => { faults.reload(); programs.reload(); certificates.reload(); buckets.reload(); after?.(r); return r; }), controlCurl(method, path, body));
  const rules = faults.data?.items ?? [];
  const program = programs.data?.items?.find((p) => String(p.programId) === programId);
  return html`<div class="row">
    <div class="grow">
      <div class="card">
        <h2>Fault presets</h2>
        ${FAULT_PRESETS.map(([label, what, body]) => html`<div class="toolbar"><button data-preset=${body.id} onClick=${() => act(`fault preset: ${label}`, 'POST', '/_mock/faults', body)}>${label}</button><span class="muted">${what}</span></div>`)}
        <h2>Gateway drills</h2>
        <div class="toolbar">
          <label>program <select value=${programId} onChange=${(e) => setProgramId(e.target.value)}>${(programs.data?.items ?? []).map((p) => html`<option value=${p.programId}>${p.programId} ${p.programName}</option>`)}</select></label>
        </div>
        <div class="toolbar">
          <button data-drill="ip-off" onClick=${() => { setSaved({ ...saved, [programId]: saved[programId] ?? program?.allowlist }); act('caller IP off the allowlist', 'PUT', `/_mock/programs/${programId}/allowlist`, { ips: ['192.0.2.0/24'] }); }}>IP off the allowlist</button>
          <button data-drill="ip-back" disabled=${!saved[programId]} onClick=${() => act('allowlist restored', 'PUT', `/_mock/programs/${programId}/allowlist`, { ips: saved[programId] }, () => setSaved({ ...saved, [programId]: undefined }))}>restore the allowlist</button>
          <button data-drill="expired" onClick=${() => act('an expired certificate (use its files to see the handshake refused)', 'POST', '/_mock/certificates', { programId: Number(programId), validDays: 1, notBefore: new Date(Date.now() - 30 * 86400e3).toISOString() })}>issue an expired certificate</button>
        </div>
        <h3>Certificates (revoke one to see its handshake refused)</h3>
        <table><tbody>${(certificates.data?.items ?? []).filter((c) => String(c.programId) === programId).map((c) => html`<tr><td>${c.serial}</td><td>${c.revoked ? html`<${Badge} value="fail" /> revoked` : ''}</td>
          <td>${!c.revoked && html`<button class="danger" onClick=${() => act(`revoke ${c.serial}`, 'POST', `/_mock/certificates/${c.serial}/revoke`)}>revoke</button>`}</td></tr>`)}</tbody></table>
      </div>
      <div class="card">
        <h2>Rate limit and live buckets of program ${programId}</h2>
        ${program && html`<p data-testid="rate-limit">${program.rateLimit.requestsPerSecond} requests/s, burst ${program.rateLimit.burst}: one bucket per API key, live below</p>`}
        <table data-testid="rate-buckets"><thead><tr><th>API key</th><th>tokens left</th><th>burst</th><th>rate</th><th>full in</th></tr></thead>
        <tbody>${(buckets.data?.items?.[0]?.buckets ?? []).map((b) => html`<tr data-key=${b.apiKey}><td><code>${b.apiKey}</code></td>
          <td data-testid="tokens">${b.used ? b.tokens.toFixed(2) : `${b.tokens} (unused)`}</td><td>${b.burst}</td><td>${b.requestsPerSecond}/s</td>
          <td data-testid="full-in">${b.secondsUntilFull ? `${b.secondsUntilFull.toFixed(1)} s` : 'full'}</td></tr>`)}</tbody></table>
        <div class="toolbar">
          <input size="6" placeholder="per s" value=${limit.requestsPerSecond} onInput=${(e) => setLimit({ ...limit, requestsPerSecond: e.target.value })} />
          <input size="6" placeholder="burst" value=${limit.burst} onInput=${(e) => setLimit({ ...limit, burst: e.target.value })} />
          <button onClick=${() => act('set the rate limit', 'PUT', `/_mock/programs/${programId}/rate-limit`, { requestsPerSecond: Number(limit.requestsPerSecond), burst: Number(limit.burst) })}>set</button>
          <button onClick=${() => act('tight rate limit', 'PUT', `/_mock/programs/${programId}/rate-limit`, { requestsPerSecond: 1, burst: 2 })}>preset: 1/s burst 2</button>
          <button onClick=${() => act('platform rate limit', 'PUT', `/_mock/programs/${programId}/rate-limit`, { requestsPerSecond: 100, burst: 200 })}>preset: 100/s burst 200</button>
        </div>
      </div>
    </div>
    <div class="grow">
      <div class="card" data-testid="fault-rules">
        <div class="toolbar"><h2>Rules (${rules.length})</h2><button class="danger" onClick=${() => act('clear all fault rules', 'DELETE', '/_mock/faults')}>clear all</button></div>
        <table><thead><tr><th>id</th><th>fault</th><th>match</th><th>matched</th><th>fired</th><th></th></tr></thead>
        <tbody>${rules.map((r) => html`<tr data-rule=${r.id}><td>${r.id}</td><td>${r.fault.type}${r.fault.status ? ` ${r.fault.status}` : ''}</td><td>${JSON.stringify(r.match ?? {})}</td>
          <td>${r.matched ?? ''}</td><td data-testid="fired">${r.fired ?? ''}</td><td><button onClick=${() => act(`remove ${r.id}`, 'DELETE', `/_mock/faults/${encodeURIComponent(r.id)}`)}>remove</button></td></tr>`)}</tbody></table>
      </div>
      <${Result} result=${result} />
    </div></div>`;
}
