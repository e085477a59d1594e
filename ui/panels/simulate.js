import { useState } from 'preact/hooks';
import { api, controlCurl, platformCurl } from '../lib/api.js';
import { html } from '../lib/html.js';
import { Result } from '../lib/result.js';
import { useAction, useApi } from '../lib/use.js';

/** The staging simulations and lifecycle steps, made as the chosen fixture program through POST /_mock/platform-call. */
const ACTIONS = [
  ['KYC submit', 'cardholder', (id) => ['PUT', `/v2/cardholders/${id}/kyc-submit`]],
  ['KYC pass', 'cardholder', (id) => ['POST', '/v2/staging/kyc/validate', { cardholderId: Number(id), result: 'pass' }]],
  ['KYC fail', 'cardholder', (id) => ['POST', '/v2/staging/kyc/validate', { cardholderId: Number(id), result: 'fail' }]],
  ['Spend', 'card', (id, amount) => ['POST', `/v2/staging/cards/${id}/spend`, { amount, merchantName: 'Dashboard Coffee' }]],
  ['Card deposit', 'card', (id, amount) => ['POST', `/v2/staging/cards/${id}/deposit`, { amount }]],
  ['3-DS challenge', 'card', (id) => ['POST', `/v2/staging/cards/${id}/3ds-challenge`]],
  ['Block card', 'card', (id) => ['PUT', `/v2/cards/${id}/status`, { newStatus: 2 }]],
  ['Unblock card', 'card', (id) => ['PUT', `/v2/cards/${id}/status`, { newStatus: 1 }]],
  ['Wallet deposit', 'wallet', (id, amount) => ['POST', `/v2/staging/wallets/${id}/deposit`, { amount }]],
];

export function SimulatePanel({ config }) {
  const state = useApi('/_mock/state');
  const { result, run } = useAction();
  const [programId, setProgramId] = useState('1');
  const [amount, setAmount] = useState('12.50');
  const [target, setTarget] = useState({ cardholder: '', card: '', wallet: '' });
  if (!state.data) return html`<p class="muted">loading…</p>`;
  const pid = Number(programId);
  const staging = state.data.programs.filter((p) => p.environment === 'staging');
  const options = {
    cardholder: state.data.cardholders.filter((c) => c.programId === pid).map((c) => [c.cardholderId, `${c.cardholderId} ${c.firstName} ${c.lastName} (status ${c.status})`]),
    card: state.data.cards.filter((c) => state.data.cardholders.some((h) => h.cardholderId === c.cardholderId && h.programId === pid)).map((c) => [c.cardId, `${c.cardId} (status ${c.issuerCardStatus})`]),
    wallet: (state.data.wallets ?? []).filter((w) => w.programId === pid || state.data.cardholders.some((h) => h.cardholderId === w.cardholderId && h.programId === pid)).map((w) => [w.walletId, `${w.walletId}`]),
  };
  const pick = (kind) => target[kind] || options[kind][0]?.[0] || '';
  const go = (label, kind, make) => {
    const [method, path, body] = make(pick(kind), amount);
    const call = { programId: pid, method, path, ...(body ? { body } : {}) };
    const curl = `${platformCurl(config.apiUrl, method, path, body && JSON.stringify(body))}\n\n# or through the control plane, as the dashboard does:\n${controlCurl('POST', '/_mock/platform-call', call)}`;
    run(`${label}: ${method} ${path}`, () => api('POST', '/_mock/platform-call', call).then((r) => { state.reload(); return r; }), curl);
  };
  return html`<div class="row">
    <div class="card grow">
      <div class="toolbar">
        <label>program <select value=${programId} onChange=${(e) => setProgramId(e.target.value)}>${staging.map((p) => html`<option value=${p.programId}>${p.programId} ${p.programName}</option>`)}</select></label>
        <label>amount <input size="8" value=${amount} onInput=${(e) => setAmount(e.target.value)} /></label>
      </div>
      ${['cardholder', 'card', 'wallet'].map((kind) => html`<div class="toolbar">
        <label>${kind} <select name=${kind} value=${pick(kind)} onChange=${(e) => setTarget({ ...target, [kind]: e.target.value })}>${options[kind].map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
        ${ACTIONS.filter((a) => a[1] === kind).map(([label, k, make]) => html`<button data-action=${label} disabled=${!options[kind].length} onClick=${() => go(label, k, make)}>${label}</button>`)}
      </div>`)}
      <p class="muted">Each button is a real platform request as the program (its fixture certificate and API key), so it goes through the gateway, faults and the journal.</p>
    </div>
    <div class="grow"><${Result} result=${result} /></div>
  </div>`;
}
