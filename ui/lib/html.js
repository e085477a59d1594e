import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

export function Badge({ value }) {
  return html`<span class=${`badge b-${value}`}>${value}</span>`;
}

export function Json({ value }) {
  return html`<pre>${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>`;
}

export function time(ms) {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
