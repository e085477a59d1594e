import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody, fixtureCard as C, fixtureCardholder as H, fixtureWallet as W } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

/**
 * Money is a safe integer of minor units within the documented maximum 99,999,999,999 (999,999,999.99),
 * wherever it enters (issue 12 item 1): larger or unsafe amounts are a 4xx naming the field and the
 * maximum, never rounded; a credit that would take a balance past the maximum is a 422; nothing changes.
 */

const MAX = 99_999_999_999;
const mock = useMock();
const api = () => apiClient(mock());
const state = () => JSON.stringify(mock().store.state);

/** Sends `raw` (JSON text, so 1e308 and 9007199254740993 go as written) and expects a refusal that changed nothing. */
async function refused(method: string, path: string, raw: string, status: number) {
  const before = state();
  const res = await api().request(method, path, { raw });
  expect(res.status, `${path} ${raw}: ${res.text}`).toBe(status);
  expect(state(), `${path} ${raw} changed the state`).toBe(before);
  return res;
}

const balanceOf = async (kind: 'cards' | 'wallets', id: number) => {
  const res = await api().get(kind === 'cards' ? `/v2/cards/${id}/balance` : `/v2/wallets/${id}`);
  const body = kind === 'cards' ? res.body : res.body.wallet ?? res.body;
  return { ledger: body.ledgerBalance as number, available: body.availableBalance as number };
};

describe('amounts the platform API takes', () => {
  it.each([
    [`/v2/cards/${C.active}/bank-deposit`, 'transactionAmount'],
    [`/v2/wallets/${W.empty}/bank-deposit`, 'transactionAmount'],
  ])('%s: 1e308 and 9007199254740993 are a 422 naming %s and the maximum, not stored or rounded', async (path, field) => {
    for (const amount of ['1e308', '9007199254740993', String(MAX + 1)]) {
      const res = await refused('POST', path, `{"${field}":${amount}}`, 422);
      expect(res.body.errors).toContainEqual({ field, message: `must be <= ${MAX}` });
    }
    // not finite at all: not an integer
    const infinite = await refused('POST', path, `{"${field}":1e309}`, 400);
    expect(infinite.body.errors).toContainEqual({ field, message: 'must be integer' });
  });

  it('a transfer amount past the maximum', async () => {
    const res = await refused('POST', '/v2/wallets/transfer', `{"sourceWalletId":${W.operating},"destinationType":0,"destinationId":${W.payroll},"amount":9007199254740993}`, 422);
    expect(res.body.errors).toContainEqual({ field: 'amount', message: `must be <= ${MAX}` });
  });

  it('transaction limits past the maximum', async () => {
    const create = await refused('POST', '/v2/cardholders', JSON.stringify(cardholderBody()).replace(/}$/, ',"transactionLimit":1e308}'), 422);
    expect(create.body.errors).toContainEqual({ field: 'transactionLimit', message: `must be <= ${MAX}` });
    const card = await refused('PUT', `/v2/cards/${C.active}/update`, '{"transactionLimit":9007199254740993}', 422);
    expect(card.body.errors).toContainEqual({ field: 'transactionLimit', message: `must be <= ${MAX}` });
    const holder = await refused('PUT', `/v2/cardholders/${H.approved}/update`, `{"transactionLimit":${MAX + 1}}`, 422);
    expect(holder.body.errors).toContainEqual({ field: 'transactionLimit', message: `must be <= ${MAX}` });
  });

  it('staging decimal amounts: at most 999999999.99', async () => {
    for (const [path, extra] of [[`/v2/staging/cards/${C.active}/deposit`, ''], [`/v2/staging/wallets/${W.empty}/deposit`, ''], [`/v2/staging/cards/${C.active}/spend`, ',"merchantName":"Shop"']]) {
      const res = await refused('POST', path!, `{"amount":"1000000000.00"${extra}}`, 422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('amount');
    }
  });
});

describe('balances never leave the safe range', () => {
  it('a bank deposit that would take a card past the maximum: 422 naming the field, the maximum and what fits', async () => {
    const { ledger } = await balanceOf('cards', C.active);
    const res = await refused('POST', `/v2/cards/${C.active}/bank-deposit`, JSON.stringify({ transactionAmount: MAX }), 422);
    expect(res.body.message).toBe(
      `transactionAmount ${MAX} would take the balance of card ${C.active} to ${ledger + MAX}, past the maximum balance of ${MAX} minor units (999,999,999.99). Nothing changed; send at most ${MAX - ledger}.`,
    );
    expect(res.body.errors).toEqual([{ field: 'transactionAmount', message: `would take the balance past ${MAX}` }]);
    // exactly up to the maximum is fine, and exact
    expect((await api().post(`/v2/cards/${C.active}/bank-deposit`, { transactionAmount: MAX - ledger })).status).toBe(200);
    expect((await balanceOf('cards', C.active)).ledger).toBe(MAX);
    await refused('POST', `/v2/cards/${C.active}/bank-deposit`, '{"transactionAmount":1}', 422);
  });

  it('repeated deposits into a wallet stop at the maximum instead of growing to 1e308', async () => {
    expect((await api().post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: MAX })).status).toBe(200);
    const res = await refused('POST', `/v2/wallets/${W.empty}/bank-deposit`, JSON.stringify({ transactionAmount: MAX }), 422);
    expect(res.body.message).toMatch(new RegExp(`past the maximum balance of ${MAX} minor units.*send at most 0\\.$`));
    expect((await balanceOf('wallets', W.empty)).ledger).toBe(MAX);
  });

  it('a transfer into a full wallet or card, a staging deposit into a full card', async () => {
    expect((await api().post(`/v2/wallets/${W.empty}/bank-deposit`, { transactionAmount: MAX })).status).toBe(200);
    const toWallet = await refused('POST', '/v2/wallets/transfer', JSON.stringify({ sourceWalletId: W.operating, destinationType: 0, destinationId: W.empty, amount: 1 }), 422);
    expect(toWallet.body.errors).toEqual([{ field: 'amount', message: `would take the balance past ${MAX}` }]);

    const { ledger } = await balanceOf('cards', C.activeSecond);
    expect((await api().post(`/v2/cards/${C.activeSecond}/bank-deposit`, { transactionAmount: MAX - ledger })).status).toBe(200);
    const toCard = await refused('POST', '/v2/wallets/transfer', JSON.stringify({ sourceWalletId: W.operating, destinationType: 1, destinationId: C.activeSecond, amount: 1 }), 422);
    expect(toCard.body.message).toMatch(`would take the balance of card ${C.activeSecond}`);
    const staging = await refused('POST', `/v2/staging/cards/${C.activeSecond}/deposit`, '{"amount":"0.01"}', 422);
    expect(staging.body.errors).toEqual([{ field: 'amount', message: `would take the balance past ${MAX}` }]);
  });
});

describe('the control plane', () => {
  it('an import with a balance or amount past the maximum is a 422 naming it; nothing changed', async () => {
    const control = controlClient(mock());
    const current = (await control.get('/_mock/state')).text;
    /** the first `"field":<number>` after `anchor`, with the number replaced by `value` as written */
    const withValue = (anchor: string, field: string, value: string) => {
      const at = current.indexOf(`"${field}":`, current.indexOf(anchor));
      return current.slice(0, at) + current.slice(at).replace(/^("\w+":)-?\d+/, `$1${value}`);
    };
    for (const [anchor, name, value, field] of [
      ['"cards":[', 'ledgerBalance', '1e308', 'cards.0.ledgerBalance'],
      ['"cards":[', 'availableBalance', '9007199254740993', 'cards.0.availableBalance'],
      ['"cards":[', 'transactionLimit', '100000000000', 'cards.0.transactionLimit'],
      ['"programs":[', 'transactionLimit', '1e308', 'programs.0.transactionLimit'],
      ['"wallets":[', 'ledgerBalance', '100000000000', 'wallets.0.ledgerBalance'],
    ] as const) {
      const raw = withValue(anchor, name, value);
      expect(raw).not.toBe(current);
      const res = await fetch(`${mock().controlUrl}/_mock/state`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: raw });
      const body = (await res.json()) as { errors: { field: string; message: string }[] };
      expect(res.status).toBe(422);
      expect(body.errors).toContainEqual({ field, message: `must be <= ${MAX}` });
      expect((await control.get('/_mock/state')).text).toBe(current);
    }
  });

  it('a program whose transaction limit is past the maximum', async () => {
    const res = await fetch(`${mock().controlUrl}/_mock/programs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"tenantName":"Acme","programName":"Acme Card","environment":"staging","allowlist":["127.0.0.6/32"],"domains":["api.acme.test"],"transactionLimit":1e308}',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown[] }).errors).toContainEqual({ field: 'transactionLimit', message: `must be <= ${MAX}` });
  });
});
