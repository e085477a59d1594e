import { useState } from 'preact/hooks';
import { api, controlCurl, copy } from '../lib/api.js';
import { Badge, html, time } from '../lib/html.js';
import { Result } from '../lib/result.js';
import { useAction, useApi } from '../lib/use.js';

export function WebhooksPanel() {
  const deliveries = useApi('/_mock/webhooks', 1500);
  const sink = useApi('/_mock/webhook-sink', 1500);
  const state = useApi('/_mock/state');
  const { result, run } = useAction();
  const [name, setName] = useState('3ds');
  const [cardId, setCardId] = useState('');
  const sinkUrl = `${location.origin}/_mock/webhook-sink/${name}`;
  const act = (label, method, path, body) => run(label, () => api(method, path, body).then((r) => { deliveries.reload(); sink.reload(); return r; }), controlCurl(method, path, body));
  const cards = (state.data?.cards ?? []).filter((c) => c.issuerCardStatus === 1);
  const card = cardId || cards[0]?.cardId;
  const programOf = (id) => state.data?.cardholders.find((h) => h.cardholderId === state.data.cards.find((c) => c.cardId === Number(id))?.cardholderId)?.programId ?? 1;
  return html`<div class="row">
    <div class="grow">
      <div class="card">
        <h2>Built-in receiver</h2>
        <div class="toolbar"><label>name <input value=${name} onInput=${(e) => setName(e.target.value)} /></label><code data-testid="sink-url">${sinkUrl}</code><button onClick=${() => copy(sinkUrl)}>copy URL</button></div>
        <div class="toolbar">
          <label>card <select value=${card} onChange=${(e) => setCardId(e.target.value)}>${cards.map((c) => html`<option value=${c.cardId}>${c.cardId}</option>`)}</select></label>
          <button data-action="subscribe-sink" onClick=${() => act('OTP listener with the sink as webhook', 'POST', '/_mock/platform-call', { programId: programOf(card), method: 'POST', path: '/v2/otp/listeners', body: { cardId: Number(card), webhookUrl: sinkUrl } })}>subscribe an OTP listener to it</button>
          <button data-action="challenge" onClick=${() => act('3-DS challenge', 'POST', '/_mock/platform-call', { programId: programOf(card), method: 'POST', path: `/v2/staging/cards/${card}/3ds-challenge` })}>3-DS challenge</button>
          <button class="danger" onClick=${() => act('sink cleared', 'DELETE', '/_mock/webhook-sink')}>clear</button>
        </div>
        <table data-testid="sink-table"><thead><tr><th>#</th><th>name</th><th>at</th><th>size</th><th>body</th></tr></thead>
          <tbody>${(sink.data?.items ?? []).map((d) => html`<tr><td>${d.receivedId}</td><td>${d.name}</td><td>${time(d.receivedAt * 1000)}</td><td>${d.size}</td><td>${d.text}</td></tr>`)}</tbody></table>
      </div>
      <${Result} result=${result} />
    </div>
    <div class="card grow">
      <div class="toolbar"><h2>Deliveries the mock attempted</h2><button class="danger" onClick=${() => act('deliveries forgotten', 'DELETE', '/_mock/webhooks')}>clear</button></div>
      <table data-testid="deliveries"><thead><tr><th>#</th><th>outcome</th><th>status</th><th>url</th><th>payload</th><th>ms</th><th></th></tr></thead>
        <tbody>${(deliveries.data?.items ?? []).map((d) => html`<tr><td>${d.deliveryId}${d.redeliveryOf ? ` ↻${d.redeliveryOf}` : ''}</td><td><${Badge} value=${d.outcome} /></td><td>${d.statusCode ?? ''}</td>
          <td title=${d.error ?? d.url}>${d.url}</td><td>${JSON.stringify(d.payload)}</td><td>${d.durationMs ?? ''}</td>
          <td><button onClick=${() => act(`redeliver #${d.deliveryId}`, 'POST', `/_mock/webhooks/${d.deliveryId}/redeliver`)}>redeliver</button></td></tr>`)}</tbody></table>
    </div></div>`;
}
