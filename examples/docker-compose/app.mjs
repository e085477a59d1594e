// A tiny app that calls the mock from its own container with the certificates the mock wrote into
// the shared folder, as a frontend's backend would call the real platform. No dependencies.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

const apiUrl = process.env.AXYS_API_URL ?? 'https://mock:8443';
const certs = process.env.AXYS_CERTS_DIR ?? '/certs';
const apiKey = process.env.AXYS_API_KEY ?? 'axys_stg_northwind_4f1c2a9e7b3d5a60';
const agent = new https.Agent({
  keepAlive: true,
  ca: readFileSync(`${certs}/ca.pem`),
  cert: readFileSync(`${certs}/clients/1.pem`),
  key: readFileSync(`${certs}/clients/1-key.pem`),
});

// GET / on the app answers with the cardholders it gets from the platform (the mock).
http
  .createServer((_req, res) => {
    https
      .get(`${apiUrl}/v2/cardholders?limit=5`, { agent, headers: { 'X-API-Key': apiKey } }, (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, { 'content-type': 'application/json' });
        upstream.pipe(res);
      })
      .on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`platform unreachable: ${e.code ?? e.message}\n`);
      });
  })
  .listen(3000, () => console.log(`app on :3000, calling ${apiUrl}`));
