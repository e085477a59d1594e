#!/usr/bin/env node
// Calls the platform API with Node's fetch and a client certificate: what an integrator's backend does.
//   node examples/fetch-with-client-cert.mjs            (against `npm start` or the Docker container, certs in ./certs)
// Settings: AXYS_API_URL (default https://127.0.0.1:8443), AXYS_CERTS_DIR (default ./certs),
//           AXYS_PROGRAM (default 1), AXYS_API_KEY (default the fixture key of program 1).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Agent } from 'undici';

const apiUrl = process.env.AXYS_API_URL ?? 'https://127.0.0.1:8443';
const certsDir = process.env.AXYS_CERTS_DIR ?? 'certs';
const program = process.env.AXYS_PROGRAM ?? '1';
const apiKey = process.env.AXYS_API_KEY ?? 'axys_stg_northwind_4f1c2a9e7b3d5a60';

// The dispatcher carries the TLS material: trust the mock's CA, present the program's client certificate.
const dispatcher = new Agent({
  connect: {
    ca: readFileSync(path.join(certsDir, 'ca.pem')),
    cert: readFileSync(path.join(certsDir, 'clients', `${program}.pem`)),
    key: readFileSync(path.join(certsDir, 'clients', `${program}-key.pem`)),
  },
});

try {
  const res = await fetch(`${apiUrl}/v2/cardholders?limit=3`, { dispatcher, headers: { 'X-API-Key': apiKey } });
  const body = await res.json();
  console.log(`GET /v2/cardholders -> ${res.status} (X-Request-Id ${res.headers.get('x-request-id')})`);
  if (res.ok) for (const c of body.items) console.log(`  ${c.cardholderId}  ${c.firstName} ${c.lastName}  compliance status ${c.status}`);
  else console.log(`  ${body.message}`);
  process.exitCode = res.ok ? 0 : 1;
} finally {
  await dispatcher.close();
}
