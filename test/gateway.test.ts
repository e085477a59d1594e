import { describe, expect, it } from 'vitest';
import { messages } from '../src/http/errors.js';
import { createCertificateAuthority, issueClientCertificate } from '../src/tls/index.js';
import { apiClient, controlClient, expectHandshakeRefused } from './helpers/client.js';
import { fixtureKeys } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = () => controlClient(mock());

async function lastJournal(decision?: string) {
  const res = await control().get(`/_mock/requests?limit=1${decision ? `&decision=${decision}` : ''}`);
  expect(res.status).toBe(200);
  return res.body.items[0];
}

async function issueCertificate(body: Record<string, unknown>) {
  const res = await control().post('/_mock/certificates', body);
  expect(res.status).toBe(201);
  return res.body as { serial: string; certPem: string; keyPem: string };
}

describe('step 1: the TLS handshake', () => {
  it('accepts the fixture client certificate with its API key (200)', async () => {
    const res = await apiClient(mock()).get('/v2/cardholders');
    expect(res.status).toBe(200);
    expect((await lastJournal()).decision).toBe('ok');
  });

  it('refuses a connection without a client certificate', async () => {
    await expectHandshakeRefused(apiClient(mock(), { cert: null }).get('/v2/cardholders'));
    expect((await lastJournal('tls_refused')).reason).toBe('no_client_certificate');
  });

  it('refuses a certificate of a foreign CA', async () => {
    const foreign = await createCertificateAuthority('foreign test CA');
    const cert = await issueClientCertificate(foreign, { tenantName: 'Northwind Fintech Ltd', programName: 'Northwind Everyday Card', domains: ['sandbox.northwind-fintech.test'] });
    await expectHandshakeRefused(apiClient(mock(), { cert: { certPem: cert.certPem, keyPem: cert.keyPem! } }).get('/v2/cardholders'));
    expect((await lastJournal('tls_refused')).reason).toBe('unknown_ca');
  });

  it('refuses an expired certificate', async () => {
    const cert = await issueCertificate({ programId: 1, notBefore: '2020-01-01T00:00:00Z', validDays: 90 });
    await expectHandshakeRefused(apiClient(mock(), { cert }).get('/v2/cardholders'));
    expect((await lastJournal('tls_refused')).reason).toBe('certificate_expired');
  });

  it('refuses a certificate revoked while the mock runs, without a restart', async () => {
    const cert = await issueCertificate({ programId: 1 });
    expect((await apiClient(mock(), { cert }).get('/v2/cardholders')).status).toBe(200);
    expect((await control().post(`/_mock/certificates/${cert.serial}/revoke`)).status).toBe(200);
    await expectHandshakeRefused(apiClient(mock(), { cert }).get('/v2/cardholders'));
    expect((await lastJournal('tls_refused')).reason).toBe('certificate_revoked');
    // other certificates are unaffected
    expect((await apiClient(mock()).get('/v2/cardholders')).status).toBe(200);
  });
});

describe('steps 2 and 3: allowlist and FCrDNS (the same 403)', () => {
  it('a caller IP outside the allowlist gets 403 No authorized IPs configured', async () => {
    const res = await apiClient(mock(), { localAddress: '127.0.0.2' }).get('/v2/cardholders');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ status: 'error', message: messages.ipNotAuthorized });
    expect((await lastJournal()).decision).toBe('ip_not_allowlisted');
  });

  it('an allowlisted IP whose reverse DNS does not confirm the certificate name gets the same 403', async () => {
    await control().put('/_mock/programs/1/allowlist', { ips: ['127.0.0.1/32', '127.0.0.3/32'] });
    const res = await apiClient(mock(), { localAddress: '127.0.0.3' }).get('/v2/cardholders');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ status: 'error', message: messages.ipNotAuthorized });
    expect((await lastJournal()).decision).toBe('fcrdns_failed');
  });

  it('a PTR without the matching forward record still fails FCrDNS; with both it passes', async () => {
    await control().put('/_mock/programs/1/allowlist', { ips: ['127.0.0.0/8'] });
    const dns = (await control().get('/_mock/dns')).body;
    dns.ptr['127.0.0.4'] = ['sandbox.northwind-fintech.test'];
    await control().put('/_mock/dns', dns);
    expect((await apiClient(mock(), { localAddress: '127.0.0.4' }).get('/v2/cardholders')).status).toBe(403);
    dns.a['sandbox.northwind-fintech.test'].push('127.0.0.4');
    await control().put('/_mock/dns', dns);
    expect((await apiClient(mock(), { localAddress: '127.0.0.4' }).get('/v2/cardholders')).status).toBe(200);
  });

  it('a program with fcrdns off needs only the allowlist', async () => {
    const onboard = await control().post('/_mock/programs', {
      tenantName: 'Quiet Labs Inc', programName: 'Quiet Card', environment: 'staging',
      allowlist: ['127.0.0.5/32'], domains: ['api.quiet-labs.test'], fcrdns: false, registerDns: false,
    });
    expect(onboard.status).toBe(201);
    const { certificate, apiKey } = onboard.body;
    const res = await apiClient(mock(), { cert: certificate, apiKey, localAddress: '127.0.0.5' }).get('/v2/cardholders');
    expect(res.status).toBe(200);
  });

  it('checks the allowlist before the API key', async () => {
    const res = await apiClient(mock(), { localAddress: '127.0.0.2', apiKey: null }).get('/v2/cardholders');
    expect(res.status).toBe(403);
  });
});

describe('step 4: X-API-Key (401)', () => {
  it.each([
    ['missing', null],
    ['unknown', 'axys_stg_not_a_real_key'],
    ['of another program', fixtureKeys.otherProgram],
    ['of another environment', fixtureKeys.production],
  ])('a %s key gets 401', async (_name, apiKey) => {
    const res = await apiClient(mock(), { apiKey }).get('/v2/cardholders');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ status: 'error', message: messages.invalidApiKey });
    expect((await lastJournal()).decision).toBe('invalid_api_key');
  });

  it('a revoked key gets 401; a newly issued one works', async () => {
    const issued = await control().post('/_mock/programs/1/api-keys');
    expect(issued.status).toBe(201);
    expect((await apiClient(mock(), { apiKey: issued.body.apiKey }).get('/v2/cardholders')).status).toBe(200);
    expect((await control().delete(`/_mock/api-keys/${issued.body.apiKey}`)).status).toBe(200);
    expect((await apiClient(mock(), { apiKey: issued.body.apiKey }).get('/v2/cardholders')).status).toBe(401);
  });
});

describe('production', () => {
  it('the production program works from the same machine with its own certificate and key', async () => {
    const res = await apiClient(mock(), { programId: 2 }).get('/v2/cardholders');
    expect(res.status).toBe(200);
  });
});
