import { describe, expect, it } from 'vitest';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

/**
 * One JSON body parser for both listeners (src/http/json-body.ts): depth bounded before anything
 * recursive sees the body, no key that reaches a prototype, UTF-8 only; each refusal a clear 400
 * that changes nothing, and the mock keeps serving.
 */

const mock = useMock();

const nested = (levels: number, open = '{"a":', close = '}') => `${open.repeat(levels)}0${close.repeat(levels)}`;

async function controlRaw(method: string, path: string, body: string | Buffer, contentType = 'application/json') {
  const res = await fetch(`${mock().controlUrl}${path}`, { method, headers: { 'Content-Type': contentType }, body });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

const state = () => JSON.stringify(mock().store.state);

async function stillServing() {
  expect((await apiClient(mock()).get('/v2/cardholders')).status).toBe(200);
  expect((await controlClient(mock()).get('/_mock/faults')).status).toBe(200);
  expect((await controlClient(mock()).get('/_mock/state')).status).toBe(200);
}

describe('depth', () => {
  it.each([
    [5_000, '{"a":', '}'],
    [100_000, '[', ']'],
  ])('a platform body nested %i levels in an unknown field, with an Idempotency-Key: 400 naming the bound', async (levels, open, close) => {
    const before = state();
    const body = JSON.stringify(cardholderBody()).replace(/}$/, `,"extra":${nested(levels, open, close)}}`);
    const res = await apiClient(mock()).request('POST', '/v2/cardholders', { raw: body, headers: { 'Idempotency-Key': `deep-${levels}` } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/nests objects and arrays deeper than 64 levels \(at body\.extra(\.a|\.0)+\)\. Send a flatter body/);
    expect(state()).toBe(before);
    await stillServing();
  });

  it('arrays count too, and 64 levels are accepted (then the schema speaks)', async () => {
    const deep = await apiClient(mock()).request('POST', '/v2/cardholders', { raw: `{"x":${nested(64, '[', ']')}}` });
    expect(deep.status).toBe(400);
    expect(deep.body.message).toMatch(/deeper than 64 levels/);
    const atBound = await apiClient(mock()).request('POST', '/v2/cardholders', { raw: `{"x":${nested(63, '[', ']')}}` });
    expect(atBound.status).toBe(400);
    expect(atBound.body.message).toMatch(/does not match the API schema/);
  });

  it.each([4_500, 20_000])('a fault rule whose body nests %i levels: 400, no rule, later requests served', async (levels) => {
    const before = state();
    const res = await controlRaw('POST', '/_mock/faults', `{"match":{"path":"/v2/cardholders"},"fault":{"type":"status","status":503,"body":${nested(levels)}}}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/deeper than 64 levels \(at body\.fault\.body(\.a)+\)/);
    expect(state()).toBe(before);
    expect((await controlClient(mock()).get('/_mock/faults')).body.total).toBe(0);
    await stillServing();
  });

  it('a deep value inside a string is only text', async () => {
    const res = await apiClient(mock()).post('/v2/cardholders', cardholderBody({ adrLine2: '['.repeat(70) }));
    expect(res.status).not.toBe(400);
  });
});

describe('keys that reach a prototype', () => {
  it.each([
    ['{"__proto__":{"admin":true}}', '__proto__', 'body.__proto__'],
    ['{"firstName":"A","constructor":{"prototype":{"x":1}}}', 'constructor', 'body.constructor'],
    ['{"list":[1,{"prototype":2}]}', 'prototype', 'body.list.1.prototype'],
    ['{"\\u005f_proto__":1}', '__proto__', 'body.__proto__'],
  ])('platform %s: 400 naming the key and where', async (raw, key, where) => {
    const before = state();
    const res = await apiClient(mock()).request('POST', '/v2/cardholders', { raw });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`The request body has the key "${key}" at ${where}: the keys __proto__, constructor and prototype are not accepted anywhere in a body. Remove or rename it.`);
    expect(state()).toBe(before);
  });

  it('the control plane too (a reset whose fixtures would come from a prototype)', async () => {
    const before = state();
    const res = await controlRaw('POST', '/_mock/reset', '{"__proto__":{"fixtures":"default"}}');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/the key "__proto__" at body\.__proto__/);
    expect(state()).toBe(before);
  });

  it('such words as values, or inside longer keys, are fine', async () => {
    const res = await apiClient(mock()).post('/v2/cardholders', cardholderBody({ adrLine2: '__proto__ constructor prototype' }));
    expect(res.status).toBe(200);
  });
});

describe('UTF-8', () => {
  it('a body that is not UTF-8 is refused with a 400, not stored as U+FFFD', async () => {
    const before = state();
    const text = JSON.stringify(cardholderBody({ firstName: 'Jo#rdan' }));
    const bytes = Buffer.from(text);
    const at = bytes.indexOf('#');
    bytes[at] = 0xff;
    const res = await apiClient(mock()).request('POST', '/v2/cardholders', { raw: bytes });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`The request body is not valid UTF-8 (at byte ${at}). Send the JSON encoded as UTF-8.`);
    expect(state()).toBe(before);
    const control = await controlRaw('POST', '/_mock/dns', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]));
    expect(control.status).toBe(400);
    expect(control.body.message).toMatch(/not valid UTF-8 \(at byte 2\)/);
  });

  it('UTF-8 (and a BOM) is fine; another charset is a 415 that says UTF-8', async () => {
    const ok = await apiClient(mock()).request('POST', '/v2/cardholders', { raw: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(cardholderBody({ firstName: 'Zoë' })))]) });
    expect(ok.status).toBe(200);
    expect(mock().store.state.cardholders.some((c) => c.firstName === 'Zoë')).toBe(true);
    const latin1 = await apiClient(mock()).request('POST', '/v2/cardholders', { raw: JSON.stringify(cardholderBody()), headers: { 'Content-Type': 'application/json; charset=latin1' } });
    expect(latin1.status).toBe(415);
    expect(latin1.body.message).toMatch(/send the JSON body as UTF-8/);
  });
});

describe('as express.json was', () => {
  it('size limits: 256kb on the platform, 10mb on the control plane', async () => {
    const big = await apiClient(mock()).post('/v2/cardholders', cardholderBody({ adrLine2: 'x'.repeat(300_000) }));
    expect(big.status).toBe(413);
    expect((await controlRaw('POST', '/_mock/reset', `{"fixtures":"default"}${' '.repeat(300_000)}`)).status).toBe(200);
    expect((await controlRaw('PUT', '/_mock/state', `{"x":"${'x'.repeat(11 * 1024 * 1024)}"}`)).status).toBe(413);
  });

  it('malformed JSON, a bare value and a wrong content type', async () => {
    const api = apiClient(mock());
    expect((await api.request('POST', '/v2/cardholders', { raw: '{"firstName":' })).body.message).toMatch(/^The request body is not valid JSON/);
    expect((await api.request('POST', '/v2/cardholders', { raw: '"text"' })).status).toBe(400);
    expect((await api.request('POST', '/v2/cardholders', { raw: JSON.stringify(cardholderBody()), headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
  });
});
