import { html, Json } from './html.js';
import { copy } from './api.js';

/** What the last action did, with its curl. */
export function Result({ result }) {
  if (!result) return null;
  return html`<div class="card" data-testid="result">
    <div class=${`notice ${result.ok ? '' : 'error'}`}>${result.ok ? '✓' : '✗'} ${result.label}</div>
    ${result.curl && html`<h3>Equivalent curl <button onClick=${() => copy(result.curl)}>copy</button></h3><pre data-testid="curl">${result.curl}</pre>`}
    <${Json} value=${result.value} />
  </div>`;
}
