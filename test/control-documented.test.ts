import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { fixtureCard } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

/** Control-plane behaviour exactly as openapi/control.yaml documents it (issue 12 item 23, part). */

const mock = useMock();
const control = () => controlClient(mock());

describe('the journal path filter', () => {
  it('takes a spec template written as is (?path=/v2/cards/{cardId}), and a concrete path', async () => {
    const api = apiClient(mock());
    await api.get(`/v2/cards/${fixtureCard.active}`);
    await api.get(`/v2/cards/${fixtureCard.onHold}`);
    await api.get('/v2/cardholders');
    const byTemplate = await control().get('/_mock/requests?path=/v2/cards/{cardId}');
    expect(byTemplate.status, byTemplate.text).toBe(200);
    expect(byTemplate.body.items.map((e: { path: string }) => e.path)).toEqual([`/v2/cards/${fixtureCard.onHold}`, `/v2/cards/${fixtureCard.active}`]);
    const concrete = await control().get('/_mock/requests?path=/v2/cardholders');
    expect(concrete.status, concrete.text).toBe(200);
    expect(concrete.body.total).toBe(1);
    const har = await control().get('/_mock/requests/export.har?path=/v2/cards/{cardId}');
    expect(har.status, har.text).toBe(200);
    expect(har.body.log.entries).toHaveLength(2);
  });
});

describe('revoking an API key', () => {
  it('twice: the second answers 404 (already revoked), the key stays revoked', async () => {
    const key = mock().store.state.apiKeys.find((k) => k.programId === 1 && !k.revoked)!.apiKey;
    const first = await control().delete(`/_mock/api-keys/${key}`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ apiKey: key, programId: 1, revoked: true });
    const before = JSON.stringify(mock().store.state);
    const second = await control().delete(`/_mock/api-keys/${key}`);
    expect(second.status).toBe(404);
    expect(second.body.message).toBe(`API key ${key} is already revoked. GET /_mock/programs/1 lists the program's live keys.`);
    expect(JSON.stringify(mock().store.state)).toBe(before);
    expect((await apiClient(mock(), { apiKey: key }).get('/v2/cardholders')).status).toBe(401);
    expect((await control().delete('/_mock/api-keys/axys_stg_nosuchkey')).status).toBe(404);
  });
});
