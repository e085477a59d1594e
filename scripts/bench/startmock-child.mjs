// One fresh process: time from calling startMock() to the first successful platform request (and the import before it).
import https from 'node:https';

const [distDir, certsDir] = process.argv.slice(2);
const t0 = performance.now();
const { startMock } = await import(new URL(`file://${distDir}/mock.js`).href);
const imported = performance.now();
const mock = await startMock({ certsDir });
const started = performance.now();
const client = mock.certs.clients.get(1);
const apiKey = mock.store.state.apiKeys.find((k) => k.programId === 1).apiKey;
const status = await new Promise((resolve, reject) => {
  const req = https.request(`${mock.apiUrl}/v2/cardholders/10001`, { ca: mock.certs.ca.certPem, cert: client.certPem, key: client.keyPem, headers: { 'X-API-Key': apiKey }, agent: false }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end();
});
const firstRequest = performance.now();
await mock.close();
console.log(JSON.stringify({ status, importMs: imported - t0, startMockMs: started - imported, toFirstRequestMs: firstRequest - imported }));
