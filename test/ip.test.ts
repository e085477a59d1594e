import { describe, expect, it } from 'vitest';
import { allowlistEntry, cidrProblem, normalizeIp, parseCidr, sameIp, singleAddress } from '../src/net/ip.js';
import { apiClient, controlClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';

// expected values are the RFC 5952 spellings, written out by hand
describe('the IP module (ipaddr.js)', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['10.1.2.3', '10.1.2.3'],
    ['not an ip', 'not an ip'],
  ])('normalises %s to %s', (input, canonical) => {
    expect(normalizeIp(input)).toBe(canonical);
  });

  it('refuses what is not a dotted-quad IPv4 or an IPv6 address', () => {
    for (const bad of ['999.1.1.1', '127.1', '0x7f.0.0.1', '1.2.3.4.5', 'fe80::1%eth0', '::1::2', '']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });

  it.each([
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['203.0.113.10', { address: '203.0.113.10', prefix: 32, family: 'ipv4' }],
    ['0:0:0:0:0:0:0:1/128', { address: '::1', prefix: 128, family: 'ipv6' }],
    ['::ffff:10.0.0.0/104', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
  ])('parses the CIDR %s', (text, parsed) => {
    expect(parseCidr(text)).toEqual(parsed);
  });

  it.each(['999.1.1.1/99', '10.0.0.0/33', '::1/129', '10.0.0.0/8/8', '10.0.0.0/x', '::ffff:10.0.0.0/95'])('refuses the CIDR %s, naming it', (text) => {
    expect(parseCidr(text)).toBeNull();
    expect(cidrProblem(text)).toContain(`"${text}"`);
  });

  it('matches callers against CIDR blocks in any spelling', () => {
    const list = ['10.0.0.0/8', '2001:DB8:0:0:0:0:0:0/32', '0:0:0:0:0:0:0:1'];
    expect(allowlistEntry(list, '10.200.3.4')).toBe('10.0.0.0/8');
    expect(allowlistEntry(list, '::ffff:10.200.3.4')).toBe('10.0.0.0/8');
    expect(allowlistEntry(list, '11.0.0.1')).toBeNull();
    expect(allowlistEntry(list, '2001:db8:ffff::1')).toBe('2001:DB8:0:0:0:0:0:0/32');
    expect(allowlistEntry(list, '2001:db9::1')).toBeNull();
    expect(allowlistEntry(list, '::1')).toBe('0:0:0:0:0:0:0:1');
    expect(allowlistEntry(list, 'garbage')).toBeNull();
    expect(singleAddress('0:0:0:0:0:0:0:1/128')).toBe('::1');
    expect(singleAddress('10.0.0.0/8')).toBeNull();
    expect(sameIp('::1', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(sameIp('::ffff:1.2.3.4', '1.2.3.4')).toBe(true);
    expect(sameIp('1.2.3.4', '1.2.3.5')).toBe(false);
  });
});

describe('FCrDNS over mTLS from ::1 with the DNS table in expanded IPv6 form', () => {
  const mock = useMock({ host: '::1' });
  const control = () => controlClient(mock());
  const expanded = '0:0:0:0:0:0:0:1';

  it('passes the gateway when the imported table and allowlist write ::1 expanded', async () => {
    const state = (await control().get('/_mock/state')).body;
    const program = state.programs.find((p: { programId: number }) => p.programId === 1);
    const name = program.domains[0] as string;
    program.allowlist = [`${expanded}/128`];
    // the only records of ::1 are written expanded (the fixtures write it as ::1)
    state.dns = { ptr: { [expanded]: [name] }, a: { [name]: [expanded] } };
    const imported = await control().put('/_mock/state', state);
    expect(imported.status, imported.text).toBe(200);
    const res = await apiClient(mock(), { localAddress: '::1' }).get('/v2/cardholders');
    expect(res.status, res.text).toBe(200);
    const entry = (await control().get('/_mock/requests?limit=1')).body.items[0];
    expect(entry).toMatchObject({ decision: 'ok', remoteAddress: '::1' });
  });

  it('PUT /_mock/dns stores addresses in their canonical spelling, and FCrDNS passes', async () => {
    await control().put('/_mock/programs/1/allowlist', { ips: ['::1'] });
    const name = (await control().get('/_mock/programs/1')).body.domains[0] as string;
    const put = await control().put('/_mock/dns', { ptr: { [expanded]: [name] }, a: { [name]: [expanded] } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.ptr['::1']).toEqual([name]);
    expect(put.body.ptr[expanded]).toBeUndefined();
    expect(put.body.a[name]).toEqual(['::1']);
    expect((await apiClient(mock(), { localAddress: '::1' }).get('/v2/cardholders')).status).toBe(200);
  });
});

describe('an allowlist entry that is not an address or CIDR block', () => {
  const mock = useMock();
  const control = () => controlClient(mock());

  it('an import with 999.1.1.1/99 is a 422 naming the entry, and changes nothing', async () => {
    const before = (await control().get('/_mock/state')).body;
    const state = structuredClone(before);
    state.programs[0].allowlist = ['127.0.0.1/32', '999.1.1.1/99'];
    const res = await control().put('/_mock/state', state);
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual({ field: 'programs.0.allowlist.1', message: expect.stringContaining('"999.1.1.1/99"') });
    expect((await control().get('/_mock/state')).body).toEqual(before);
    expect((await apiClient(mock()).get('/v2/cardholders')).status).toBe(200);
  });

  it.each([
    ['PUT /_mock/programs/1/allowlist', 'PUT', '/_mock/programs/1/allowlist', { ips: ['127.0.0.1/32', '999.1.1.1/99'] }, 'ips.1'],
    ['POST /_mock/programs', 'POST', '/_mock/programs', { tenantName: 'Bad Net Ltd', programName: 'Bad Card', environment: 'staging', allowlist: ['999.1.1.1/99'], domains: ['bad.example.test'] }, 'allowlist.0'],
  ])('%s with 999.1.1.1/99 is a 422 naming the entry, and changes nothing', async (_name, method, path, body, field) => {
    const before = (await control().get('/_mock/state')).body;
    const res = await control().call(method, path, body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toContainEqual({ field, message: expect.stringContaining('"999.1.1.1/99"') });
    expect((await control().get('/_mock/state')).body).toEqual(before);
  });
});
