import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { allowCallers } from '../src/domain/allow-callers.js';
import { ipAllowed } from '../src/net/ip.js';
import { loadFixtures } from '../src/store/fixtures.js';
import { parseDefaultGateway } from '../src/net/default-gateway.js';
import { apiClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';

// What /proc/net/route shows inside a container on the default Docker bridge (gateway 172.17.0.1).
const dockerRouteTable = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	010011AC	0003	0	0	0	00000000	0	0	0
eth0	000011AC	00000000	0001	0	0	0	0000FFFF	0	0	0
`;

describe('the default gateway, read from /proc/net/route', () => {
  it.each([
    ['a Docker bridge', dockerRouteTable, '172.17.0.1'],
    ['a compose network', dockerRouteTable.replace('010011AC', '01001EAC'), '172.30.0.1'],
    ['no default route', dockerRouteTable.split('\n').filter((l) => !l.includes('\t00000000\t010011AC')).join('\n'), null],
    ['an empty table', '', null],
  ])('%s', (_name, table, expected) => {
    expect(parseDefaultGateway(table)).toBe(expected);
  });
});

describe('ALLOW_CALLERS / --allow-callers', () => {
  it.each<[string, string[], Record<string, string>, string[]]>([
    ['unset', [], {}, []],
    ['from the environment', [], { ALLOW_CALLERS: 'gateway, 10.0.0.7' }, ['gateway', '10.0.0.7']],
    ['the flag wins', ['--allow-callers', '::1'], { ALLOW_CALLERS: 'gateway' }, ['::1']],
  ])('%s', (_name, argv, env, expected) => {
    expect((loadConfig(argv, env) as Config).allowCallers).toEqual(expected);
  });

  it('names a bad entry', () => {
    expect(() => loadConfig([], { ALLOW_CALLERS: 'gateway,host.docker.internal' })).toThrow(ConfigError);
    expect(() => loadConfig([], { ALLOW_CALLERS: 'gateway,host.docker.internal' })).toThrow('"host.docker.internal"');
  });
});

describe('allowCallers on the fixtures', () => {
  // config accepts any address isIP accepts, so an IPv4-mapped one too: the contract normalises those
  it('an IPv4-mapped address is allowlisted and registered as the IPv4 address the gateway sees', async () => {
    const state = allowCallers(await loadFixtures('default'), ['::ffff:127.0.0.2']);
    for (const program of state.programs) {
      expect(program.allowlist.at(-1)).toBe('127.0.0.2/32');
      expect(ipAllowed(program.allowlist, '::ffff:127.0.0.2')).toBe(true);
    }
    expect(state.dns.ptr['127.0.0.2']).toEqual(state.programs.map((p) => p.domains[0]));
  });
});

describe('an allowed caller passes the allowlist and FCrDNS of every fixture program, also after a reset', () => {
  const mock = useMock({ allowCallers: ['127.0.0.2'] });

  it.each([1, 2, 3])('program %i from 127.0.0.2', async (programId) => {
    expect((await apiClient(mock(), { programId, localAddress: '127.0.0.2' }).get('/v2/cardholders')).status).toBe(200);
  });

  it('records the address in the allowlist and the DNS table, where the control plane shows it', async () => {
    const state = mock().store.state;
    expect(state.programs.map((p) => p.allowlist)).toEqual(state.programs.map(() => ['127.0.0.1/32', '::1/128', '127.0.0.2/32']));
    expect(state.dns.ptr['127.0.0.2']).toEqual(state.programs.map((p) => p.domains[0]));
    expect(state.dns.a['sandbox.northwind-fintech.test']).toEqual(['127.0.0.1', '::1', '127.0.0.2']);
  });

  it('other addresses still get 403', async () => {
    expect((await apiClient(mock(), { localAddress: '127.0.0.3' }).get('/v2/cardholders')).status).toBe(403);
  });
});

describe('ALLOW_CALLERS with a CIDR range (a compose network): every address in it passes allowlist and FCrDNS', () => {
  const mock = useMock({ allowCallers: ['127.0.8.0/24'] });

  it('accepts the range in the configuration', () => {
    expect((loadConfig([], { ALLOW_CALLERS: 'gateway,172.18.0.0/16' }) as Config).allowCallers).toEqual(['gateway', '172.18.0.0/16']);
  });

  it.each([
    ['127.0.8.9', 1, 200],
    ['127.0.8.200', 3, 200],
    ['127.0.9.1', 1, 403],
  ])('%s as program %i: %i', async (localAddress, programId, status) => {
    expect((await apiClient(mock(), { programId, localAddress }).get('/v2/cardholders')).status).toBe(status);
  });

  it('allowlists the range without writing a DNS record per address', () => {
    const state = mock().store.state;
    expect(state.programs.every((p) => p.allowlist.includes('127.0.8.0/24'))).toBe(true);
    expect(Object.keys(state.dns.ptr).filter((ip) => ip.startsWith('127.0.8.'))).toEqual([]);
  });
});
