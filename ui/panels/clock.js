import { useState } from 'preact/hooks';
import { api, controlCurl } from '../lib/api.js';
import { html, Json } from '../lib/html.js';
import { Result } from '../lib/result.js';
import { useAction, useApi } from '../lib/use.js';

const PRESETS = [['+1 hour', 3600], ['+1 day', 86400], ['+5 days', 5 * 86400], ['+30 days', 30 * 86400]];

export function ClockPanel() {
  const clock = useApi('/_mock/clock', 1000);
  const pending = useApi('/_mock/clock/pending?limit=50', 2000);
  const { result, run } = useAction();
  const [when, setWhen] = useState('');
  const act = (label, method, path, body) => run(label, () => api(method, path, body).then((r) => { clock.reload(); pending.reload(); return r; }), controlCurl(method, path, body));
  const c = clock.data;
  return html`<div class="row">
    <div class="card grow" data-testid="clock">
      <h2>Mock time</h2>
      ${c && html`<dl class="kv"><dt>now</dt><dd data-testid="clock-iso">${c.iso}</dd><dt>Unix</dt><dd data-testid="clock-unix">${c.now}</dd><dt>offset</dt><dd data-testid="clock-offset">${c.offsetSeconds} s from real time</dd><dt>state</dt><dd data-testid="clock-state">${c.frozen ? html`<span class="badge b-warn">frozen</span> stands still until advanced, set or unfrozen` : 'running'}</dd></dl>`}
      <div class="toolbar">${PRESETS.map(([label, seconds]) => html`<button data-advance=${seconds} onClick=${() => act(`advance ${label}`, 'POST', '/_mock/clock/advance', { seconds })}>${label}</button>`)}</div>
      <div class="toolbar">
        <input type="datetime-local" value=${when} onInput=${(e) => setWhen(e.target.value)} />
        <button disabled=${!when} onClick=${() => act('set the clock', 'PUT', '/_mock/clock', { now: Math.floor(new Date(`${when}Z`).getTime() / 1000) })}>set (UTC)</button>
        ${c && html`<button data-testid="clock-freeze" onClick=${() => act(c.frozen ? 'unfreeze' : 'freeze', 'PUT', '/_mock/clock', { frozen: !c.frozen })}>${c.frozen ? 'unfreeze' : 'freeze'}</button>`}
        <button onClick=${() => act('back to real time', 'DELETE', '/_mock/clock')}>back to real time</button>
      </div>
      ${pending.data?.items?.length > 0 && html`<h3 data-testid="clock-pending">Pending timed events (${pending.data.total})</h3><${Json} value=${pending.data.items} />`}
      ${pending.data && !pending.data.items?.length && html`<p class="muted">Nothing pending: deposits clear and OTP codes expire on this clock; advance it to see them happen.</p>`}
    </div>
    <div class="grow"><${Result} result=${result} /></div></div>`;
}
