import { useState } from 'preact/hooks';
import { api, controlCurl, copy, download } from '../lib/api.js';
import { html } from '../lib/html.js';
import { Result } from '../lib/result.js';
import { useAction, useApi } from '../lib/use.js';

function snippets(apiUrl, apiKey) {
  return {
    curl: `export AXYS_API_KEY='${apiKey}'\ncurl -sS --cacert ca.pem --cert client.pem --key client.key -H "X-API-Key: $AXYS_API_KEY" '${apiUrl}/v2/cardholders'`,
    'Node fetch': `// npm install undici\nimport { readFileSync } from 'node:fs';\nimport { Agent } from 'undici';\nconst dispatcher = new Agent({ connect: { ca: readFileSync('ca.pem'), cert: readFileSync('client.pem'), key: readFileSync('client.key') } });\nconst res = await fetch('${apiUrl}/v2/cardholders', { dispatcher, headers: { 'X-API-Key': process.env.AXYS_API_KEY } });\nconsole.log(res.status, await res.json());`,
    Python: `# pip install requests\nimport os, requests\nres = requests.get('${apiUrl}/v2/cardholders', cert=('client.pem', 'client.key'), verify='ca.pem', headers={'X-API-Key': os.environ['AXYS_API_KEY']})\nprint(res.status_code, res.json())`,
    Java: `// client.p12 (empty password) holds the certificate, its key and the CA\nvar ks = java.security.KeyStore.getInstance("PKCS12");\ntry (var in = new java.io.FileInputStream("client.p12")) { ks.load(in, new char[0]); }\nvar kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());\nkmf.init(ks, new char[0]);\nvar tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());\ntmf.init(ks);\nvar ssl = javax.net.ssl.SSLContext.getInstance("TLS");\nssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);\nvar client = java.net.http.HttpClient.newBuilder().sslContext(ssl).build();\nvar req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("${apiUrl}/v2/cardholders")).header("X-API-Key", System.getenv("AXYS_API_KEY")).build();\nSystem.out.println(client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body());`,
  };
}

function Material({ material, apiKey, apiUrl }) {
  const [lang, setLang] = useState('curl');
  const p12 = async () => {
    const { p12Base64 } = await api('POST', '/_mock/pkcs12', { certPem: material.certPem, keyPem: material.keyPem });
    download('client.p12', new Blob([Uint8Array.from(atob(p12Base64), (c) => c.charCodeAt(0))], { type: 'application/x-pkcs12' }));
  };
  const code = snippets(apiUrl, apiKey ?? '<your API key>');
  return html`<div class="card" data-testid="material">
    <h2>Certificate ${material.serial}</h2>
    <div class="toolbar">
      <button onClick=${() => download('client.pem', material.certPem, 'application/x-pem-file')}>client.pem</button>
      ${material.keyPem && html`<button onClick=${() => download('client.key', material.keyPem, 'application/x-pem-file')}>client.key</button>`}
      <button onClick=${() => download('ca.pem', material.caPem, 'application/x-pem-file')}>ca.pem</button>
      ${material.keyPem && html`<button data-action="p12" onClick=${p12}>client.p12</button>`}
      ${apiKey && html`<button onClick=${() => copy(apiKey)}>copy API key</button> <code data-testid="api-key">${apiKey}</code>`}
    </div>
    <div class="toolbar">${Object.keys(code).map((l) => html`<button class=${l === lang ? 'primary' : ''} onClick=${() => setLang(l)}>${l}</button>`)}<button onClick=${() => copy(code[lang])}>copy</button></div>
    <pre data-testid="snippet">${code[lang]}</pre>
    <p class="muted">The key is shown this once: the mock does not keep it.</p>
  </div>`;
}

export function CredentialsPanel({ config }) {
  const programs = useApi('/_mock/programs');
  const { result, run } = useAction();
  const [form, setForm] = useState({ tenantName: 'Example Fintech Ltd', programName: 'Example Card', domains: 'app.example.test', allowlist: '127.0.0.1/32' });
  const [material, setMaterial] = useState(null);
  const [programId, setProgramId] = useState('1');
  const field = (k) => html`<label>${k} <input name=${k} value=${form[k]} onInput=${(e) => setForm({ ...form, [k]: e.target.value })} /></label>`;
  const onboardBody = { tenantName: form.tenantName, programName: form.programName, environment: 'staging', domains: form.domains.split(',').map((s) => s.trim()).filter(Boolean), allowlist: form.allowlist.split(',').map((s) => s.trim()).filter(Boolean) };
  const onboard = () =>
    run('program onboarded', () => api('POST', '/_mock/programs', onboardBody).then((r) => { setMaterial({ material: r.certificate, apiKey: r.apiKey }); programs.reload(); return { programId: r.programId, serial: r.certificate.serial }; }), controlCurl('POST', '/_mock/programs', onboardBody));
  const issue = () =>
    run('certificate issued', () => api('POST', '/_mock/certificates', { programId: Number(programId) }).then((r) => { setMaterial({ material: r, apiKey: null }); return { serial: r.serial, programId: r.programId }; }), controlCurl('POST', '/_mock/certificates', { programId: Number(programId) }));
  const key = () =>
    run('API key issued', () => api('POST', `/_mock/programs/${programId}/api-keys`).then((r) => { programs.reload(); return r; }), controlCurl('POST', `/_mock/programs/${programId}/api-keys`));
  return html`<div class="row">
    <div class="grow">
      <div class="card"><h2>Onboard a program</h2>
        <div class="toolbar">${field('tenantName')}${field('programName')}</div>
        <div class="toolbar">${field('domains')}${field('allowlist')}</div>
        <button class="primary" data-action="onboard" onClick=${onboard}>onboard</button></div>
      <div class="card"><h2>Existing programs</h2>
        <div class="toolbar"><select value=${programId} onChange=${(e) => setProgramId(e.target.value)}>${(programs.data?.items ?? []).map((p) => html`<option value=${p.programId}>${p.programId} ${p.tenantName} / ${p.programName}</option>`)}</select>
          <button onClick=${issue}>new certificate and key</button><button onClick=${key}>new API key</button></div></div>
      <${Result} result=${result} />
    </div>
    <div class="grow">${material ? html`<${Material} material=${material.material} apiKey=${material.apiKey} apiUrl=${config.apiUrl} />` : html`<div class="card muted">Onboard a program or issue a certificate: its files and snippets appear here.</div>`}</div>
  </div>`;
}
