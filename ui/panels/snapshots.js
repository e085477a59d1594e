import { useState } from 'preact/hooks';
import { api, controlCurl, download } from '../lib/api.js';
import { html, time } from '../lib/html.js';
import { Result } from '../lib/result.js';
import { useAction, useApi } from '../lib/use.js';

export function SnapshotsPanel() {
  const list = useApi('/_mock/snapshots');
  const { result, run } = useAction();
  const [name, setName] = useState('');
  const act = (label, method, path, body) => run(label, () => api(method, path, body).then((r) => { list.reload(); return r; }), controlCurl(method, path, body));
  const upload = async (file) => {
    const text = await file.text();
    let state;
    try {
      state = JSON.parse(text);
    } catch (e) {
      return run(`upload ${file.name}`, () => Promise.reject(new Error(`not JSON: ${e.message}`)));
    }
    return run(`state imported from ${file.name}`, () => api('PUT', '/_mock/state', state), 'curl -sS -X PUT -H \'Content-Type: application/json\' --data @state.json ' + `'${location.origin}/_mock/state'`);
  };
  return html`<div class="row">
    <div class="card grow">
      <h2>Snapshots</h2>
      <div class="toolbar"><input placeholder="name" value=${name} onInput=${(e) => setName(e.target.value)} />
        <button class="primary" data-action="save" onClick=${() => act('snapshot saved', 'POST', '/_mock/snapshots', name ? { name } : {})}>save</button></div>
      <table data-testid="snapshots"><thead><tr><th>#</th><th>name</th><th>taken</th><th>bytes</th><th></th></tr></thead>
        <tbody>${(list.data?.items ?? []).map((s) => html`<tr><td>${s.snapshotId}</td><td>${s.name ?? ''}</td><td>${time(s.createdAt * 1000)}</td><td>${s.bytes}</td>
          <td><button data-restore=${s.snapshotId} onClick=${() => act(`snapshot ${s.snapshotId} restored`, 'POST', `/_mock/snapshots/${s.snapshotId}/restore`)}>restore</button>
          <button class="danger" onClick=${() => act(`snapshot ${s.snapshotId} deleted`, 'DELETE', `/_mock/snapshots/${s.snapshotId}`)}>delete</button></td></tr>`)}</tbody></table>
      <h2>The whole state</h2>
      <div class="toolbar">
        <button onClick=${async () => download('axys-mock-state.json', JSON.stringify(await api('GET', '/_mock/state'), null, 2), 'application/json')}>download</button>
        <label>upload <input type="file" accept="application/json,.json" onChange=${(e) => e.target.files[0] && upload(e.target.files[0])} /></label>
        <button class="danger" data-action="reset" onClick=${() => act('reset to the fixtures', 'POST', '/_mock/reset', {})}>reset to the fixtures</button>
      </div>
      <p class="muted">Snapshots live in memory; download the state to keep it.</p>
    </div>
    <div class="grow"><${Result} result=${result} /></div></div>`;
}
