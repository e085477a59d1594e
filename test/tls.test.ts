import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate, webcrypto } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import {
  apiServerTlsOptions,
  canonicalSerial,
  classifyTlsRefusal,
  clearCertificateCache,
  createCertificateAuthority,
  createServerCertificate,
  getTlsStats,
  issueClientCertificate,
  loadOrCreateCertificates,
  readPeerIdentity,
  ClientCertificateGate,
  pkcs12HoldsCertificate,
  toPkcs12,
} from '../src/tls/index.js';
import type { CertificateSet, PeerIdentity, PemPair, TlsRefusalReason } from '../src/tls/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const identity = { tenantName: 'Acme Corp', programName: 'Gold Program', domains: ['partner-a.clients.test', 'api.partner-a.test'] };
const programs = [
  { programId: 1, ...identity },
  { programId: 2, tenantName: 'Beta', programName: 'Blue', domains: ['partner-b.clients.test'] },
];

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-tls-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(async () => {
  clearCertificateCache();
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

interface Running {
  port: number;
  server: https.Server;
  refusals: TlsRefusalReason[];
  peers: PeerIdentity[];
  close: () => Promise<void>;
}

async function startServer(set: Pick<CertificateSet, 'ca' | 'server'>, gate = new ClientCertificateGate(set.ca, () => Date.now())): Promise<Running> {
  const refusals: TlsRefusalReason[] = [];
  const peers: PeerIdentity[] = [];
  const server = https.createServer(apiServerTlsOptions(set), (req, res) => {
    peers.push(readPeerIdentity((req.socket as TLSSocket).getPeerCertificate()));
    res.end('ok');
  });
  server.on('tlsClientError', (err, socket) => refusals.push(classifyTlsRefusal(err, socket)));
  gate.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    server,
    refusals,
    peers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Outcome {
  status?: number;
  error?: NodeJS.ErrnoException;
}

function get(port: number, tls: https.RequestOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', agent: false, ...tls }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    req.end();
  });
}

const creds = (pair: PemPair): { cert: string; key: string } => ({ cert: pair.certPem, key: pair.keyPem });

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('TLS handshake policy (real sockets)', () => {
  let ca: PemPair;
  let server: PemPair;
  let good: PemPair;
  let foreign: PemPair;
  let expired: PemPair;

  beforeAll(async () => {
    ca = await createCertificateAuthority();
    const other = await createCertificateAuthority();
    server = await createServerCertificate(ca, ['api.mock.test']);
    const g = await issueClientCertificate(ca, identity);
    const f = await issueClientCertificate(other, identity);
    const e = await issueClientCertificate(ca, identity, { notBefore: new Date(Date.now() - 400 * 86_400_000), validDays: 30 });
    good = { certPem: g.certPem, keyPem: g.keyPem! };
    foreign = { certPem: f.certPem, keyPem: f.keyPem! };
    expired = { certPem: e.certPem, keyPem: e.keyPem! };
    expect(Date.parse(e.notAfter)).toBeLessThan(Date.now());
  });

  it('issues certificates with the expected shape', () => {
    const caX = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(good.certPem);
    expect(caX.ca).toBe(true);
    expect(caX.subject).toMatch(/^CN=axys-mock CA [0-9a-f]{12}/);
    expect(leaf.verify(caX.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:partner-a.clients.test, DNS:api.partner-a.test');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth (Node reports EKU here)
    expect(new X509Certificate(server.certPem).subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:api.mock.test',
    );
  });

  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    describe(maxVersion, () => {
      it('accepts a CA-signed client certificate and exposes its identity', async () => {
        const s = await startServer({ ca, server });
        try {
          const out = await get(s.port, { ca: ca.certPem, ...creds(good), maxVersion });
          expect(out.status).toBe(200);
          expect(s.peers[0]).toEqual({
            serial: canonicalSerial(new X509Certificate(good.certPem).serialNumber),
            tenantName: 'Acme Corp',
            programName: 'Gold Program',
            domains: ['partner-a.clients.test', 'api.partner-a.test'],
            ips: [],
          });
        } finally {
          await s.close();
        }
      });

      const refused: Array<[string, () => https.RequestOptions, TlsRefusalReason]> = [
        ['no client certificate', () => ({}), 'no_client_certificate'],
        ['a foreign CA certificate', () => creds(foreign), 'unknown_ca'],
        ['an expired certificate', () => creds(expired), 'certificate_expired'],
      ];
      for (const [name, opts, reason] of refused) {
        it(`refuses ${name} at the TLS layer (${reason})`, async () => {
          const s = await startServer({ ca, server });
          try {
            const out = await get(s.port, { ca: ca.certPem, ...opts(), maxVersion });
            expect(out.status).toBeUndefined();
            expect(out.error).toBeDefined();
            await until(() => s.refusals.length > 0);
            expect(s.refusals).toEqual([reason]);
            expect(s.peers).toEqual([]);
          } finally {
            await s.close();
          }
        });
      }
    });
  }

  it('revokes a certificate while the server runs: keep-alive socket closed, new handshakes (and resumptions) refused', async () => {
    const issued = await issueClientCertificate(ca, identity);
    const victim = { certPem: issued.certPem, keyPem: issued.keyPem! };
    const gate = new ClientCertificateGate(ca, () => Date.now());
    const s = await startServer({ ca, server }, gate);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: ca.certPem, ...creds(victim) });
    try {
      expect((await get(s.port, { agent })).status).toBe(200);
      const sockets = Object.values(agent.freeSockets).flat();
      expect(sockets).toHaveLength(1);
      const closed = new Promise<void>((resolve) => sockets[0]!.once('close', () => resolve()));

      gate.revoke(issued.serial.toUpperCase()); // any serial spelling is accepted
      await closed; // the established keep-alive connection was cut
      expect(gate.isRevoked(issued.serial)).toBe(true);

      // Same agent: it resumes its cached TLS session; the resumed session is judged again.
      const out = await get(s.port, { agent });
      expect(out.status).toBeUndefined();
      expect(out.error).toBeDefined();
      const fresh = await get(s.port, { ca: ca.certPem, ...creds(victim), maxVersion: 'TLSv1.2' });
      expect(fresh.status).toBeUndefined();
      await until(() => s.refusals.length >= 2);
      expect(new Set(s.refusals)).toEqual(new Set(['certificate_revoked']));
      expect(s.peers).toHaveLength(1);

      // Other certificates of the same CA are unaffected.
      expect((await get(s.port, { ca: ca.certPem, ...creds(good) })).status).toBe(200);
    } finally {
      agent.destroy();
      await s.close();
    }
  });

  it('judges validity on the given clock, not the wall clock: an expired certificate works on a clock set back, a fresh one fails on a clock moved on', async () => {
    let offset = 0;
    const gate = new ClientCertificateGate(ca, () => Date.now() + offset);
    const s = await startServer({ ca, server }, gate);
    try {
      offset = -380 * 86_400_000; // inside the expired certificate's window
      expect((await get(s.port, { ca: ca.certPem, ...creds(expired) })).status).toBe(200);
      expect((await get(s.port, { ca: ca.certPem, ...creds(good) })).status).toBeUndefined();
      offset = 0;
      expect((await get(s.port, { ca: ca.certPem, ...creds(expired) })).status).toBeUndefined();
      expect((await get(s.port, { ca: ca.certPem, ...creds(good) })).status).toBe(200);
      await until(() => s.refusals.length >= 2);
      expect(s.refusals).toEqual(['certificate_not_yet_valid', 'certificate_expired']);
      // a wall-clock time error never lets a foreign certificate through
      const f = await issueClientCertificate(await createCertificateAuthority(), identity, { notBefore: new Date(Date.now() - 400 * 86_400_000), validDays: 30 });
      offset = -380 * 86_400_000;
      expect((await get(s.port, { ca: ca.certPem, cert: f.certPem, key: f.keyPem! })).status).toBeUndefined();
      await until(() => s.refusals.length >= 3);
      expect(s.refusals[2]).toBe('unknown_ca');
    } finally {
      await s.close();
    }
  });

  it('100,000 revoked serials: each revocation stays O(1) and handshakes still work', async () => {
    const gate = new ClientCertificateGate(ca, () => Date.now());
    const serials = Array.from({ length: 100_000 }, (_, i) => (i + 1).toString(16).padStart(32, '0'));
    gate.setRevoked(serials);
    const issued = await issueClientCertificate(ca, identity);
    gate.revoke(issued.serial);
    const s = await startServer({ ca, server }, gate);
    try {
      expect((await get(s.port, { ca: ca.certPem, ...creds(good) })).status).toBe(200);
      expect((await get(s.port, { ca: ca.certPem, cert: issued.certPem, key: issued.keyPem! })).status).toBeUndefined();
      await until(() => s.refusals.length > 0);
      expect(s.refusals).toEqual(['certificate_revoked']);
      expect(gate.isRevoked(serials[99_999]!)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('signs an RSA-2048 CSR (subject and SANs from the CSR) and the certificate authenticates', async () => {
    const keys = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=csr.partner-a.test, O=Acme Corp, OU=Gold Program',
      keys,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'csr.partner-a.test' }, { type: 'ip', value: '10.1.2.3' }])],
    });
    const issued = await issueClientCertificate(ca, identity, { csrPem: csr.toString('pem') });
    expect(issued.keyPem).toBeUndefined();
    const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    const s = await startServer({ ca, server });
    try {
      expect((await get(s.port, { ca: ca.certPem, cert: issued.certPem, key: keyPem })).status).toBe(200);
      expect(s.peers[0]).toMatchObject({
        serial: issued.serial,
        tenantName: 'Acme Corp',
        programName: 'Gold Program',
        domains: ['csr.partner-a.test'],
        ips: ['10.1.2.3'],
      });
    } finally {
      await s.close();
    }
  });

  it('a CSR without subject or SANs falls back to the identity', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    const issued = await issueClientCertificate(ca, identity, { csrPem: csr.toString('pem') });
    const cert = new X509Certificate(issued.certPem);
    expect(cert.subject).toBe('O=Acme Corp\nOU=Gold Program\nCN=partner-a.clients.test');
    expect(cert.subjectAltName).toBe('DNS:partner-a.clients.test, DNS:api.partner-a.test');
  });

  it('the PKCS#12 (empty password) works as pfx in a real mTLS request, and with openssl', async () => {
    const p12 = await toPkcs12(good.certPem, good.keyPem, ca.certPem);
    const s = await startServer({ ca, server });
    try {
      const agent = new https.Agent({ pfx: p12, passphrase: '', ca: ca.certPem });
      expect((await get(s.port, { agent })).status).toBe(200);
      agent.destroy();
    } finally {
      await s.close();
    }
    // openssl is required, not optional: .ci/run installs it; a machine without it fails here, loudly
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch (err) {
      throw new Error(`openssl is needed to check the .p12 (apt-get install openssl; .ci/run installs it): ${(err as Error).message}`);
    }
    const file = path.join(await tempDir(), 'x.p12');
    await writeFile(file, p12);
    const out = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:', '-nodes'], { encoding: 'utf8' });
    expect(out.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(out).toContain('BEGIN PRIVATE KEY');
  });
});

describe('classifyTlsRefusal / readPeerIdentity (units)', () => {
  it('classifies codes and socket authorization errors', () => {
    const e = (code?: string, message = 'x'): Error & { code?: string } => Object.assign(new Error(message), code ? { code } : {});
    expect(classifyTlsRefusal(e('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'))).toBe('no_client_certificate');
    expect(classifyTlsRefusal(e('ECONNRESET'), { authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })).toBe('unknown_ca');
    expect(classifyTlsRefusal(e('ECONNRESET'), { authorizationError: 'CERT_SIGNATURE_FAILURE' })).toBe('unknown_ca');
    expect(classifyTlsRefusal(e('ECONNRESET'), { authorizationError: 'CERT_HAS_EXPIRED' })).toBe('certificate_expired');
    expect(classifyTlsRefusal(e('ECONNRESET'), { authorizationError: 'CERT_REVOKED' })).toBe('certificate_revoked');
    expect(classifyTlsRefusal(e('CERT_REVOKED'))).toBe('certificate_revoked');
    expect(classifyTlsRefusal(e('ECONNRESET'), { authorizationError: null })).toBe('handshake_failed');
    expect(classifyTlsRefusal(e(undefined, 'wrong version number'))).toBe('handshake_failed');
  });

  it('parses subject and subjectaltname, canonical serial', () => {
    const cert = {
      subject: { O: 'T', OU: 'P', CN: 'a.test' },
      subjectaltname: 'DNS:a.test, DNS:"b,c.test", IP Address:1.2.3.4, IP Address:0:0:0:0:0:0:0:1, DNS:A.TEST',
      serialNumber: '0A1B',
    } as unknown as PeerCertificate;
    expect(readPeerIdentity(cert)).toEqual({
      serial: '0a1b',
      tenantName: 'T',
      programName: 'P',
      domains: ['a.test', 'b,c.test'],
      ips: ['1.2.3.4', '::1'],
    });
    expect(canonicalSerial('00:8F:01')).toBe('8f01');
    expect(canonicalSerial('abc')).toBe('0abc');
  });
});

describe('loadOrCreateCertificates', () => {
  it('creates the files once, then reuses them without generating anything', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateCertificates(dir, programs, ['api.mock.test']);
    const files = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem', 'clients/1.pem', 'clients/1-key.pem', 'clients/1.p12', 'clients/2.pem', 'clients/2-key.pem', 'clients/2.p12'];
    const mtimes = await Promise.all(files.map(async (f) => (await stat(path.join(dir, f))).mtimeMs));
    for (const f of files.filter((f) => f.includes('key') || f.endsWith('.p12'))) {
      expect((await stat(path.join(dir, f))).mode & 0o777).toBe(0o600);
    }
    expect(first.clients.get(1)?.certPath).toBe(path.join(dir, 'clients/1.pem'));

    // Same process: served from memory (same object); concurrent calls share one promise.
    expect(await loadOrCreateCertificates(dir, programs, ['api.mock.test'])).toBe(first);

    clearCertificateCache();
    const before = getTlsStats();
    const [second, third] = await Promise.all([
      loadOrCreateCertificates(dir, programs, ['api.mock.test']),
      loadOrCreateCertificates(dir, programs, ['api.mock.test']),
    ]);
    expect(third).toBe(second);
    expect(getTlsStats()).toEqual(before); // no key generated, no certificate issued
    expect(second.ca).toEqual(first.ca);
    expect(second.server).toEqual(first.server);
    expect([...second.clients]).toEqual([...first.clients]);
    expect(await Promise.all(files.map(async (f) => (await stat(path.join(dir, f))).mtimeMs))).toEqual(mtimes);
    expect((await readdir(dir)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'clients', 'server-key.pem', 'server.pem']);
  });

  it('repairs only what is broken; a new CA renews everything', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateCertificates(dir, programs);
    const serial1 = first.clients.get(1)!.serial;

    // Missing .p12: rebuilt from the existing pair, no key generated.
    clearCertificateCache();
    await unlink(path.join(dir, 'clients/1.p12'));
    let before = getTlsStats();
    const repaired = await loadOrCreateCertificates(dir, programs);
    expect(getTlsStats().keysGenerated).toBe(before.keysGenerated);
    expect(repaired.clients.get(1)!.serial).toBe(serial1);
    expect(pkcs12HoldsCertificate(await readFile(path.join(dir, 'clients/1.p12')), first.clients.get(1)!.certPem)).toBe(true);

    // New server name: only the server certificate is renewed.
    clearCertificateCache();
    before = getTlsStats();
    const withName = await loadOrCreateCertificates(dir, programs, ['10.9.8.7']);
    expect(getTlsStats().keysGenerated - before.keysGenerated).toBe(1);
    expect(withName.ca).toEqual(first.ca);
    expect(new X509Certificate(withName.server.certPem).subjectAltName).toContain('IP Address:10.9.8.7');

    // Expired client certificate on disk: renewed.
    clearCertificateCache();
    const old = await issueClientCertificate(first.ca, programs[1]!, { notBefore: new Date(Date.now() - 100 * 86_400_000), validDays: 10 });
    await writeFile(path.join(dir, 'clients/2.pem'), old.certPem);
    await writeFile(path.join(dir, 'clients/2-key.pem'), old.keyPem!);
    const renewed = await loadOrCreateCertificates(dir, programs, ['10.9.8.7']);
    expect(renewed.clients.get(2)!.serial).not.toBe(old.serial);
    expect(renewed.clients.get(1)!.serial).toBe(serial1);

    // Unparsable CA: new CA, and every leaf is re-issued under it.
    clearCertificateCache();
    await writeFile(path.join(dir, 'ca.pem'), 'garbage');
    const reborn = await loadOrCreateCertificates(dir, programs, ['10.9.8.7']);
    const caX = new X509Certificate(reborn.ca.certPem);
    expect(reborn.ca.certPem).not.toBe(first.ca.certPem);
    expect(new X509Certificate(reborn.server.certPem).verify(caX.publicKey)).toBe(true);
    for (const c of reborn.clients.values()) expect(new X509Certificate(c.certPem).verify(caX.publicKey)).toBe(true);
    expect(reborn.clients.get(1)!.serial).not.toBe(serial1);
  });

  it('breaks a stale lock left by a dead process', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, '.lock'), '2147483646 0'); // pid that does not exist
    const set = await loadOrCreateCertificates(dir, programs);
    expect(set.clients.size).toBe(2);
    expect(await readdir(dir)).not.toContain('.lock');
  });

  it('4 processes racing on a fresh directory end with one CA that signed every certificate', async () => {
    const dir = await tempDir();
    const target = path.join(dir, 'certs');
    const script = path.join(dir, 'child.mts');
    const indexUrl = new URL('../src/tls/index.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { loadOrCreateCertificates } from ${JSON.stringify(indexUrl)};
const set = await loadOrCreateCertificates(process.argv[2], ${JSON.stringify(programs)}, ['api.mock.test']);
process.stdout.write(JSON.stringify({ ca: set.ca.certPem, server: set.server.certPem, clients: [...set.clients.values()].map((c) => c.certPem) }));
`,
    );
    const run = (): Promise<string> =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', script, target], { cwd: ROOT }, (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
        );
      });
    const outputs = (await Promise.all([run(), run(), run(), run()])).map(
      (o) => JSON.parse(o) as { ca: string; server: string; clients: string[] },
    );
    const onDisk = await loadOrCreateCertificates(target, programs, ['api.mock.test']);
    const caX = new X509Certificate(onDisk.ca.certPem);
    for (const out of outputs) {
      expect(out.ca).toBe(onDisk.ca.certPem);
      expect(out.server).toBe(onDisk.server.certPem);
      expect(out.clients).toEqual([...onDisk.clients.values()].map((c) => c.certPem));
      for (const pem of [out.server, ...out.clients]) expect(new X509Certificate(pem).verify(caX.publicKey)).toBe(true);
    }
    // No lock or temp file left behind.
    expect((await readdir(target)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'clients', 'server-key.pem', 'server.pem']);
    expect((await readdir(path.join(target, 'clients'))).every((f) => !f.endsWith('.tmp'))).toBe(true);
  }, 60_000); // four cold tsx processes on a shared 2-core machine
});
