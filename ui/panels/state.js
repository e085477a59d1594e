import { useState } from 'preact/hooks';
import { html, Json } from '../lib/html.js';
import { useApi } from '../lib/use.js';

const money = (minor) => (typeof minor === 'number' ? (minor / 100).toFixed(2) : '');

/** Each tab: which collection, its id field, and the columns worth a glance. */
const TABS = {
  programs: ['programs', 'programId', (p) => [p.tenantName, p.programName, p.environment, p.allowlist.join(', '), p.fcrdns ? 'FCrDNS' : '', `${p.rateLimit.requestsPerSecond}/s burst ${p.rateLimit.burst}`]],
  cardholders: ['cardholders', 'cardholderId', (c, extra) => [c.programId, `${c.firstName} ${c.lastName}`, `${c.status} ${extra?.statusName ?? ''}`, extra?.lockedFields.length ? 'identity locked' : 'editable']],
  cards: ['cards', 'cardId', (c) => [c.cardholderId, c.cardType ?? c.type ?? '', c.issuerCardStatus, `ledger ${money(c.ledgerBalance)}`, `available ${money(c.availableBalance)}`]],
  wallets: ['wallets', 'walletId', (w) => [w.programId ?? w.cardholderId, w.currency ?? '', `ledger ${money(w.ledgerBalance)}`, `available ${money(w.availableBalance)}`]],
  transactions: ['transactions', 'transactionId', (t) => [t.cardId, t.type ?? t.transactionType ?? '', money(t.amount), t.status ?? '', t.merchantName ?? '']],
  fees: ['fees', 'feeId', (f) => [f.cardId ?? f.walletId ?? '', f.type ?? f.feeType ?? '', money(f.amount)]],
  deposits: ['deposits', 'depositId', (d) => [d.cardId ?? d.walletId ?? '', money(d.amount ?? d.transactionAmount), d.clearsAt ? new Date(d.clearsAt * 1000).toISOString() : '', d.cleared ? 'cleared' : 'pending']],
  otpListeners: ['otpListeners', 'token', (l) => [l.cardId ?? l.cardholderId ?? '', l.webhookUrl ?? '', l.expiresAt ? new Date(l.expiresAt * 1000).toISOString() : '']],
};

export function StatePanel({ params }) {
  const [tab, setTab] = useState(params.get('tab') && TABS[params.get('tab')] ? params.get('tab') : 'programs');
  const [picked, setPicked] = useState(params.get('id'));
  const state = useApi('/_mock/state');
  const lifecycles = useApi('/_mock/cardholder-lifecycles');
  if (!state.data) return html`<p class="muted">${state.error?.message ?? 'loading the state…'}</p>`;
  const [collection, idField, columns] = TABS[tab];
  const items = state.data[collection] ?? [];
  const lifecycle = (id) => lifecycles.data?.items.find((l) => l.cardholderId === id);
  const chosen = items.find((i) => String(i[idField]) === String(picked));
  return html`<div>
    <div class="toolbar">
      ${Object.keys(TABS).map((t) => html`<button data-tab=${t} class=${t === tab ? 'primary' : ''} onClick=${() => { setTab(t); setPicked(null); }}>${t} (${(state.data[TABS[t][0]] ?? []).length})</button>`)}
      <button onClick=${() => { state.reload(); lifecycles.reload(); }}>reload</button>
    </div>
    <div class="split">
      <div class="card scroll"><table data-testid="state-table"><thead><tr><th>${idField}</th><th colspan="6">summary</th></tr></thead>
        <tbody>${items.slice(0, 500).map((i) => html`<tr key=${i[idField]} class=${String(i[idField]) === String(picked) ? 'selected' : ''} onClick=${() => setPicked(String(i[idField]))}>
          <td>${String(i[idField]).slice(0, 24)}</td>${columns(i, lifecycle(i[idField])).map((c) => html`<td>${String(c ?? '')}</td>`)}</tr>`)}</tbody></table></div>
      <div>${chosen ? html`<div class="card" data-testid="state-detail">
        <h2>${collection.replace(/s$/, '')} ${String(chosen[idField])}</h2>
        ${tab === 'cardholders' && lifecycle(chosen.cardholderId) && html`<dl class="kv">
          <dt>status</dt><dd>${chosen.status} ${lifecycle(chosen.cardholderId).statusName}</dd>
          <dt>next steps</dt><dd>${lifecycle(chosen.cardholderId).nextSteps.map((s) => html`<div>${s}</div>`)}</dd>
          <dt>locked fields</dt><dd>${lifecycle(chosen.cardholderId).lockedFields.join(', ') || 'none'}</dd></dl>`}
        ${(tab === 'cards' || tab === 'wallets') && html`<p>ledger <b>${money(chosen.ledgerBalance)}</b> · available <b>${money(chosen.availableBalance)}</b> (the difference is held or not yet cleared)</p>`}
        <${Json} value=${chosen} /></div>` : html`<div class="card muted">Pick a row.</div>`}</div>
    </div></div>`;
}
