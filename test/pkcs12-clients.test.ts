import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { useMock } from './helpers/mock.js';

const certsDir = await mkdtemp(path.join(os.tmpdir(), 'axys-p12-'));
afterAll(() => rm(certsDir, { recursive: true, force: true }));
const mock = useMock({ certsDir });

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

/** Every exported .p12 (one per fixture program), read by the tools an integrator uses, empty password. */
describe('exported PKCS#12 files', () => {
  it('keytool (Java KeyStore) lists exactly one private-key entry with its 2-certificate chain in every .p12', async () => {
    const clients = [...mock().certs.clients.values()];
    expect(clients.length).toBeGreaterThanOrEqual(3);
    for (const client of clients) {
      const out = await run('keytool', ['-list', '-v', '-keystore', client.p12Path, '-storetype', 'PKCS12', '-storepass', '']);
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(out.stdout).toContain('Your keystore contains 1 entry');
      expect(out.stdout.match(/Entry type: PrivateKeyEntry/g)).toHaveLength(1);
      expect(out.stdout).toContain('Certificate chain length: 2');
      expect(out.stdout.toLowerCase()).toContain(`serial number: ${client.serial.replace(/^0+/, "")}`); // Java drops leading zeros
    }
  }, 120_000);

  it('openssl pkcs12 reads one private key matching the leaf, and the leaf plus the CA certificate', async () => {
    for (const client of mock().certs.clients.values()) {
      const keys = await run('openssl', ['pkcs12', '-in', client.p12Path, '-passin', 'pass:', '-nocerts', '-nodes']);
      expect(keys.code, keys.stderr).toBe(0);
      expect(keys.stdout.match(/BEGIN PRIVATE KEY/g)).toHaveLength(1);
      const certs = await run('openssl', ['pkcs12', '-in', client.p12Path, '-passin', 'pass:', '-nokeys']);
      expect(certs.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      expect(certs.stdout).toContain(client.certPem.trim().split('\n')[1]);
      const { createPrivateKey, X509Certificate } = await import('node:crypto');
      const key = createPrivateKey(keys.stdout.slice(keys.stdout.indexOf('-----BEGIN PRIVATE KEY-----')));
      expect(new X509Certificate(client.certPem).checkPrivateKey(key)).toBe(true);
    }
  });

  it('curl with the .p12 as client certificate gets 200 from the platform API', async () => {
    const m = mock();
    const caFile = path.join(certsDir, 'ca.pem');
    for (const [programId, client] of m.certs.clients) {
      const apiKey = m.store.state.apiKeys.find((k) => k.programId === programId && !k.revoked)?.apiKey;
      expect(apiKey).toBeDefined();
      const out = await run('curl', [
        '-sS', '-o', '/dev/null', '-w', '%{http_code}',
        '--cert-type', 'P12', '--cert', `${client.p12Path}:`,
        '--cacert', caFile,
        '-H', `X-API-Key: ${apiKey}`,
        `${m.apiUrl}/v2/cardholders`,
      ]);
      expect(out.stderr).toBe('');
      expect(out.stdout).toBe('200');
    }
  });
});
