import { describe, expect, it } from 'vitest';
import { fcrdnsCheck, staticResolver, type HostResolver } from '../src/gateway/fcrdns.js';

const table = { ptr: { '10.0.0.7': ['other.example', 'api.example.com', 'b.example.com'] }, a: { 'api.example.com': ['10.0.0.8'], 'b.example.com': ['10.0.0.7'] } };

/** The same table answered through promises, as the system resolver answers. */
const asyncResolver: HostResolver = {
  reverse: async (ip) => staticResolver(() => table).reverse(ip),
  forward: async (name) => staticResolver(() => table).forward(name),
};

describe('FCrDNS', () => {
  it('answers at once from the static table: the second certificate name is the one that resolves back', () => {
    const result = fcrdnsCheck('10.0.0.7', ['api.example.com', 'b.example.com'], staticResolver(() => table));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual({ confirmed: 'b.example.com', reverse: ['other.example', 'api.example.com', 'b.example.com'] });
  });

  it('gives the same answers through an asynchronous resolver', async () => {
    const pending = fcrdnsCheck('10.0.0.7', ['api.example.com', 'b.example.com'], asyncResolver);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({ confirmed: 'b.example.com', reverse: ['other.example', 'api.example.com', 'b.example.com'] });
    expect(await fcrdnsCheck('10.0.0.7', ['api.example.com'], asyncResolver)).toEqual({ confirmed: null, reverse: ['other.example', 'api.example.com', 'b.example.com'] });
    expect(fcrdnsCheck('10.0.0.9', ['b.example.com'], staticResolver(() => table))).toEqual({ confirmed: null, reverse: [] });
  });
});
