import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messages } from '../src/http/errors.js';
import { startMock } from '../src/mock.js';
import { apiClient, controlClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = () => controlClient(mock());

const onboarding = {
  tenantName: 'Acme Payments Ltd',
  programName: 'Acme Card',
  environment: 'staging',
  allowlist: ['127.0.0.6/32'],
  domains: ['api.acme-payments.test'],
};

describe('health and reset', () => {
  it('reports ok with the version once ready', async () => {
    const res = await control().get('/_mock/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('a method the path does not have is a 405 naming the methods in Allow; HEAD answers the GET\'s headers without a body', async () => {
    const wrong = await control().delete('/_mock/health');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({ status: 'error', message: messages.methodNotAllowed('DELETE', '/_mock/health') });
    expect(wrong.headers.allow).toBe('GET, HEAD');
    const head = await control().call('HEAD', '/_mock/health');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-type']).toMatch(/^application\/json/);
  });

  it('reset brings back the fixtures and clears the journal', async () => {
    await apiClient(mock()).post('/v2/cardholders', { firstName: 'x' });
    expect((await control().get('/_mock/requests')).body.total).toBeGreaterThan(0);
    await control().post('/_mock/programs', onboarding);
    expect((await control().post('/_mock/reset')).status).toBe(200);
    expect((await control().get('/_mock/programs')).body.total).toBe(3);
    expect((await control().get('/_mock/requests')).body.total).toBe(0);
  });

  it('reset with unknown fixtures is refused and changes nothing', async () => {
    await control().post('/_mock/programs', onboarding);
    const res = await control().post('/_mock/reset', { fixtures: 'no-such-fixtures' });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/no-such-fixtures/);
    expect(res.body.message).toMatch(/Fixtures names: .*default/);
    expect((await control().get('/_mock/programs')).body.total).toBe(4);
  });
});

describe('custom fixtures', () => {
  it('a fixtures path set at start is read anew by every reset, edits included', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-fixtures-'));
    const file = path.join(dir, 'team.json');
    const fixtures = JSON.parse(await readFile(path.join(process.cwd(), 'fixtures/default.json'), 'utf8'));
    await writeFile(file, JSON.stringify(fixtures));
    const own = await startMock({ fixtures: file });
    try {
      const rename = async (firstName: string) => {
        fixtures.cardholders.find((c: { cardholderId: number }) => c.cardholderId === 10001).firstName = firstName;
        await writeFile(file, JSON.stringify(fixtures));
        expect((await controlClient(own).post('/_mock/reset')).status).toBe(200);
        return (await apiClient(own).get('/v2/cardholders/10001')).body.cardholder.firstName;
      };
      expect(await rename('Avery')).toBe('Avery');
      expect(await rename('Blake')).toBe('Blake');
      // the setting itself may be named too
      expect((await controlClient(own).post('/_mock/reset', { fixtures: file })).status).toBe(200);

      // a file that is JSON but not a state: refused like an import, nothing changed, the mock keeps serving
      await writeFile(file, JSON.stringify({ programs: [] }));
      const refused = await controlClient(own).post('/_mock/reset');
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual(expect.arrayContaining([{ field: 'version', message: expect.any(String) }, { field: 'apiKeys', message: expect.any(String) }]));
      expect((await apiClient(own).get('/v2/cardholders/10001')).body.cardholder.firstName).toBe('Blake');
      expect((await controlClient(own).get('/_mock/state')).status).toBe(200);
    } finally {
      await own.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('from the control plane, fixtures are names of files in the fixtures folder: no path is read, nothing is echoed', async () => {
    const secret = path.join(await mkdtemp(path.join(os.tmpdir(), 'axys-secret-')), 'secret.json');
    await writeFile(secret, 'TOPSECRET-CONTENT not json');
    await control().post('/_mock/programs', onboarding);
    try {
      for (const fixtures of ['/etc/passwd', '../../x', '../../../../etc/passwd', '/proc/self/environ', secret, `../${path.relative(path.join(process.cwd(), 'fixtures'), secret)}`, 'default/../../package']) {
        const res = await control().post('/_mock/reset', { fixtures });
        expect(res.status, fixtures).toBe(422);
        expect(res.body.message, fixtures).toMatch(/not a fixtures name.*fixtures folder.*--fixtures/);
        expect(res.text).not.toMatch(/root:|TOPSECRET|PATH=/);
      }
      expect((await control().get('/_mock/programs')).body.total).toBe(4);
      expect((await control().post('/_mock/reset', { fixtures: 'default' })).status).toBe(200);
      expect((await control().post('/_mock/reset', { fixtures: 'default.json' })).status).toBe(200);
    } finally {
      await rm(path.dirname(secret), { recursive: true, force: true });
    }
  });
});

describe('onboarding a program', () => {
  it('returns a certificate, key and API key that pass the whole gateway at once', async () => {
    const res = await control().post('/_mock/programs', onboarding);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ programId: 4, apiKey: expect.stringMatching(/^axys_stg_/), certificate: { serial: expect.any(String), certPem: expect.stringContaining('BEGIN CERTIFICATE'), keyPem: expect.stringContaining('PRIVATE KEY'), caPem: mock().certs.ca.certPem } });
    const { certificate, apiKey } = res.body;
    const client = apiClient(mock(), { cert: certificate, apiKey, localAddress: '127.0.0.6' });
    const created = await client.post('/v2/cardholders', (await import('./helpers/data.js')).cardholderBody());
    expect(created.status).toBe(200);
    // the new program sees only its own cardholders
    const list = await client.get('/v2/cardholders');
    expect(list.body.items.map((c: { cardholderId: number }) => c.cardholderId)).toEqual([created.body.cardholderId]);
    // registerDns added the records FCrDNS needs
    const dns = (await control().get('/_mock/dns')).body;
    expect(dns.ptr['127.0.0.6']).toEqual(['api.acme-payments.test']);
    expect(dns.a['api.acme-payments.test']).toEqual(['127.0.0.6']);
  });

  it.each([
    ['a bad CIDR', { allowlist: ['300.1.1.1/32'] }, 422],
    ['a wildcard domain', { domains: ['*.acme.test'] }, 422],
    ['an unknown environment', { environment: 'sandbox' }, 422],
    ['an unknown field', { colour: 'red' }, 400],
    ['a missing tenant', { tenantName: undefined }, 400],
  ])('refuses %s and changes nothing', async (_name, patch, status) => {
    const res = await control().post('/_mock/programs', { ...onboarding, ...patch });
    expect(res.status).toBe(status);
    expect(res.body.status).toBe('error');
    expect((await control().get('/_mock/programs')).body.total).toBe(3);
  });

  it('replaces the allowlist and refuses a bad one without changing it', async () => {
    expect((await control().put('/_mock/programs/1/allowlist', { ips: ['10.0.0.0/8'] })).status).toBe(200);
    expect((await apiClient(mock()).get('/v2/cardholders')).status).toBe(403);
    const bad = await control().put('/_mock/programs/1/allowlist', { ips: ['127.0.0.1/32', 'nonsense'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['ips.1']);
    expect((await control().get('/_mock/programs/1')).body.allowlist).toEqual(['10.0.0.0/8']);
  });

  it('answers 404 for an unknown program', async () => {
    expect((await control().get('/_mock/programs/99')).status).toBe(404);
    expect((await control().put('/_mock/programs/99/allowlist', { ips: [] })).status).toBe(404);
  });
});

describe('certificates', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('signs a CSR made with openssl (RSA-2048, as the platform asks) and the certificate works', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-csr-'));
    dirs.push(dir);
    const key = path.join(dir, 'client.key');
    execFileSync('openssl', ['genrsa', '-out', key, '2048'], { stdio: 'ignore' });
    const csrPem = execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/O=Northwind Fintech Ltd/OU=Northwind Everyday Card/CN=sandbox.northwind-fintech.test'], { encoding: 'utf8' });
    const res = await control().post('/_mock/certificates', { programId: 1, csrPem });
    expect(res.status).toBe(201);
    expect(res.body.keyPem).toBeUndefined();
    const client = apiClient(mock(), { cert: { certPem: res.body.certPem, keyPem: await readFile(key, 'utf8') } });
    expect((await client.get('/v2/cardholders')).status).toBe(200);
  });

  it('refuses a CSR that is not one', async () => {
    const res = await control().post('/_mock/certificates', { programId: 1, csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nnope\n-----END CERTIFICATE REQUEST-----' });
    expect(res.status).toBe(422);
  });

  it('lists fixture and issued certificates, and 404s an unknown serial on revoke', async () => {
    const issued = await control().post('/_mock/certificates', { programId: 3 });
    const list = await control().get('/_mock/certificates');
    expect(list.body.items.map((c: { serial: string }) => c.serial)).toContain(issued.body.serial);
    expect(list.body.items.filter((c: { source: string }) => c.source === 'fixture')).toHaveLength(3);
    expect((await control().post('/_mock/certificates/deadbeef/revoke')).status).toBe(404);
  });
});

describe('DNS table', () => {
  it('replaces the table and refuses invalid entries without changing it', async () => {
    const before = (await control().get('/_mock/dns')).body;
    const bad = await control().put('/_mock/dns', { ptr: { 'not-an-ip': ['x.test'] }, a: {} });
    expect(bad.status).toBe(422);
    expect((await control().get('/_mock/dns')).body).toEqual(before);
    const ok = await control().put('/_mock/dns', { ptr: {}, a: {} });
    expect(ok.status).toBe(200);
    // with an empty table FCrDNS fails for everyone
    expect((await apiClient(mock()).get('/v2/cardholders')).status).toBe(403);
  });
});

describe('the request journal', () => {
  it('records every request with its decision, filterable, newest first, with the same X-Request-Id', async () => {
    const ok = await apiClient(mock()).get('/v2/cardholders');
    await apiClient(mock(), { apiKey: null }).get('/v2/cardholders/10001');
    const all = (await control().get('/_mock/requests')).body;
    expect(all.items[0]).toMatchObject({ path: '/v2/cardholders/10001', status: 401, decision: 'invalid_api_key', programId: 1, remoteAddress: '127.0.0.1' });
    expect(all.items[1]).toMatchObject({ id: ok.headers['x-request-id'], method: 'GET', path: '/v2/cardholders', status: 200, decision: 'ok' });
    const only401 = (await control().get('/_mock/requests?status=401')).body;
    // exactly the one 401 of this test (a reset before each test cleared the journal), not a vacuous every() on []
    expect(only401.total).toBe(1);
    expect(only401.items.map((e: { status: number; path: string }) => [e.status, e.path])).toEqual([[401, '/v2/cardholders/10001']]);
    expect((await control().delete('/_mock/requests')).status).toBe(200);
    expect((await control().get('/_mock/requests')).body.total).toBe(0);
  });
});

describe('CONTROL_TOKEN', () => {
  it('requires the bearer token on every control request when set', async () => {
    const m = await startMock({ controlToken: 's3cret', validateResponses: true });
    try {
      const anonymous = await controlClient(m).get('/_mock/programs');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ status: 'error', message: messages.controlUnauthorized });
      expect((await controlClient(m, 'wrong').get('/_mock/health')).status).toBe(401);
      expect((await controlClient(m, 's3cret').get('/_mock/programs')).status).toBe(200);
    } finally {
      await m.close();
    }
  });

  it('the control plane is not reachable through the platform listener', async () => {
    const res = await apiClient(mock()).get('/_mock/health');
    expect(res.status).toBe(404);
  });
});
