// The ceiling: bare node:https with the mock's certificates, client certificates required, one fixed JSON body.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const [certsDir, bodyFile] = process.argv.slice(2);
const read = (f) => readFileSync(path.join(certsDir, f));
const body = readFileSync(bodyFile);
const server = https.createServer(
  { key: read('server-key.pem'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true },
  (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  },
);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
