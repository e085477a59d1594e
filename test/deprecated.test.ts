import { describe, expect, it } from 'vitest';
import { apiClient } from './helpers/client.js';
import { fixtureCard, fixtureCardholder, fixtureWallet } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());

describe('deprecated endpoints: validated, scoped, acknowledged without effect', () => {
  it.each([
    [`/v2/cardholders/${fixtureCardholder.approved}/register-wallet-address`, { chain: 'evm', address: '0x52908400098527886E0F7030069857D2E4169EE7' }],
    [`/v2/cards/${fixtureCard.active}/deposit`, { chain: 'bitcoin', transactionHash: 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16' }],
    [`/v2/wallets/${fixtureWallet.operating}/deposit`, { transactionHash: '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060', network: 'Ethereum' }],
    // the documented bodies: an address (26..90) with an optional network hint
    [`/v2/cardholders/${fixtureCardholder.approved}/register-wallet-address`, { address: '0x52908400098527886E0F7030069857D2E4169EE7', network: 'Ethereum' }],
  ])('POST %s answers success and changes nothing', async (path, body) => {
    const before = JSON.stringify(mock().store.state);
    const res = await api().post(path, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'success' });
    expect(res.headers.deprecation).toBe('true');
    expect(JSON.stringify(mock().store.state)).toBe(before);
  });

  it.each([
    [`/v2/cardholders/${fixtureCardholder.otherProgram}/register-wallet-address`, { address: '0x52908400098527886E0F7030069857D2E4169EE7' }],
    [`/v2/cards/${fixtureCard.otherProgram}/deposit`, { transactionHash: '0xabc' }],
    [`/v2/wallets/${fixtureWallet.otherProgram}/deposit`, { transactionHash: '0xabc' }],
  ])('POST %s for another program\'s resource is 404', async (path, body) => {
    expect((await api().post(path, body)).status).toBe(404);
  });

  it('an invalid body is still refused: the hash is required, an address has 26..90 characters', async () => {
    expect((await api().post(`/v2/cards/${fixtureCard.active}/deposit`, { chain: 'dogecoin' })).status).toBe(400);
    expect((await api().post(`/v2/cardholders/${fixtureCardholder.approved}/register-wallet-address`, { address: '0xabc' })).status).toBe(422);
  });
});
