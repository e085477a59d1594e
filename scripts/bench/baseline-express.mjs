// Bare Express 5 over the same mTLS server options, answering the same fixed JSON body.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import express from 'express';

const [certsDir, bodyFile] = process.argv.slice(2);
const read = (f) => readFileSync(path.join(certsDir, f));
const body = JSON.parse(readFileSync(bodyFile, 'utf8'));
const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.get('/v2/cardholders/:id', (_req, res) => res.json(body));
const server = https.createServer({ key: read('server-key.pem'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, app);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
