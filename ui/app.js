import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, token, uiConfig } from './lib/api.js';
import { html } from './lib/html.js';
import { JournalPanel } from './panels/journal.js';
import { StatePanel } from './panels/state.js';
import { SimulatePanel } from './panels/simulate.js';
import { ClockPanel } from './panels/clock.js';
import { FaultsPanel } from './panels/faults.js';
import { WebhooksPanel } from './panels/webhooks.js';
import { CredentialsPanel } from './panels/credentials.js';
import { SnapshotsPanel } from './panels/snapshots.js';

const PANELS = [
  ['journal', 'Journal', JournalPanel],
  ['state', 'State', StatePanel],
  ['simulate', 'Simulate', SimulatePanel],
  ['clock', 'Clock', ClockPanel],
  ['faults', 'Faults & rate limits', FaultsPanel],
  ['webhooks', 'Webhooks', WebhooksPanel],
  ['credentials', 'Credentials', CredentialsPanel],
  ['snapshots', 'Snapshots', SnapshotsPanel],
];

function route() {
  const [name, query = ''] = location.hash.replace(/^#/, '').split('?');
  return { name: PANELS.some(([n]) => n === name) ? name : 'journal', params: new URLSearchParams(query) };
}

function TokenForm({ onDone }) {
  const [value, setValue] = useState('');
  return html`<main><div class="card" style="max-width:520px">
    <h2>This mock runs with CONTROL_TOKEN</h2>
    <p class="muted">Enter the token (kept in this tab only, sent as <code>Authorization: Bearer …</code>).</p>
    <form onSubmit=${(e) => { e.preventDefault(); token.set(value); onDone(); }}>
      <input type="password" name="token" value=${value} onInput=${(e) => setValue(e.target.value)} autofocus />
      <button class="primary" type="submit">Open</button>
    </form></div></main>`;
}

function App() {
  const [where, setWhere] = useState(route());
  const [config, setConfig] = useState(null);
  const [health, setHealth] = useState(null);
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    const onHash = () => setWhere(route());
    addEventListener('hashchange', onHash);
    uiConfig().then(setConfig);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const check = () =>
    api('GET', '/_mock/health').then(
      (h) => { setHealth(h); setLocked(false); },
      (e) => setLocked(e instanceof ApiFailure && e.status === 401),
    );
  useEffect(() => { check(); }, []);
  if (locked) return html`<${TokenForm} onDone=${check} />`;
  if (!config || !health) return html`<p class="boot">Connecting to the control plane…</p>`;
  const Panel = PANELS.find(([n]) => n === where.name)[2];
  return html`
    <header><h1>axys-mock</h1><span>platform <code>${config.apiUrl}</code></span>
      <span class="meta">v${health.version}${config.tokenRequired ? ' · token' : ''}</span></header>
    <nav>${PANELS.map(([n, label]) => html`<a href=${`#${n}`} data-panel=${n} class=${n === where.name ? 'active' : ''}>${label}</a>`)}</nav>
    <main data-testid=${`panel-${where.name}`}><${Panel} config=${config} params=${where.params} /></main>`;
}

render(html`<${App} />`, document.getElementById('app'));
