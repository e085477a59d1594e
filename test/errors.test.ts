import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messages } from '../src/http/errors.js';
import { startMock } from '../src/mock.js';
import { apiClient } from './helpers/client.js';
import { cardholderBody, fixtureCardholder as F } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const api = () => apiClient(mock());

describe('400: malformed bodies and wrong types', () => {
  it.each([
    ['garbage', 'this is not json'],
    ['truncated', '{"firstName": "Jor'],
    ['a bare string', '"hello"'],
    ['trailing comma', '{"firstName":"Jordan",}'],
    ['NUL bytes', '{"a":"\u0000'],
  ])('%s JSON gives 400 with the contract body, never 500', async (_name, raw) => {
    const res = await api().request('POST', '/v2/cardholders', { raw });
    expect(res.status).toBe(400);
    expect(res.body.status).toBe('error');
    expect(typeof res.body.message).toBe('string');
  });

  it('garbage JSON on every write endpoint gives 400', async () => {
    const writes: [string, string][] = [
      ['PUT', `/v2/cardholders/${F.draft}`],
      ['PUT', `/v2/cardholders/${F.approved}/update`],
      ['POST', `/v2/cardholders/${F.approved}/register-bank-account`],
      ['POST', '/v2/staging/kyc/validate'],
    ];
    for (const [method, path] of writes) {
      const res = await api().request(method, path, { raw: '{"oops' });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.message).toBe(messages.malformedJson);
    }
  });

  it('a wrong type is 400 and names the field', async () => {
    const res = await api().post('/v2/cardholders', cardholderBody({ gender: 'male' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'gender', message: expect.stringMatching(/integer/) });
  });

  it('an unknown field is 400', async () => {
    const res = await api().post('/v2/cardholders', cardholderBody({ favouriteColour: 'teal' }));
    expect(res.status).toBe(400);
    expect(res.body.errors.length).toBeGreaterThan(0);
  });

  it('a missing required field is 400', async () => {
    const { firstName: _omit, ...body } = cardholderBody();
    const res = await api().post('/v2/cardholders', body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).toMatch(/firstName/);
  });

  it('a type error together with a constraint error stays 400', async () => {
    const res = await api().post('/v2/cardholders', cardholderBody({ firstName: 'x'.repeat(51), gender: 'x' }));
    expect(res.status).toBe(400);
  });

  it('a non-numeric id in the path is 400', async () => {
    expect((await api().get('/v2/cardholders/abc')).status).toBe(400);
  });

  it('a body of another content type is refused without a 500', async () => {
    const res = await api().request('POST', '/v2/cardholders', { raw: 'firstName=Jordan', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.body.status).toBe('error');
  });
});

describe('422: well-formed values that break a constraint', () => {
  it.each([
    ['firstName too long', { firstName: 'x'.repeat(51) }, 'firstName'],
    ['firstName too short', { firstName: 'J' }, 'firstName'],
    ['gender outside the enum', { gender: 3 }, 'gender'],
    ['country not alpha-2', { country: 'USA' }, 'country'],
    ['placeOfBirth not alpha-3', { placeOfBirth: 'US' }, 'placeOfBirth'],
    ['dob not a date', { dob: '14/05/1990' }, 'dob'],
    ['cellNum too short', { cellNum: '12345' }, 'cellNum'],
    ['callingCode too long', { callingCode: '0001' }, 'callingCode'],
  ])('%s', async (_name, override, field) => {
    const res = await api().post('/v2/cardholders', cardholderBody(override));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(messages.constraint);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('404 and 405 for what does not exist', () => {
  it('an unknown endpoint is 404 with the error body', async () => {
    const res = await api().get('/v2/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ status: 'error', message: messages.unknownRoute('GET', '/v2/nothing-here') });
  });

  it('a method the endpoint does not have is 405', async () => {
    const res = await api().request('DELETE', '/v2/cardholders');
    expect(res.status).toBe(405);
  });

  it('a 405 names the methods the path has in Allow (RFC 9110 15.5.6), HEAD with GET', async () => {
    const res = await api().request('PATCH', `/v2/cardholders/${F.approved}`);
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ status: 'error', message: messages.methodNotAllowed('PATCH', `/v2/cardholders/${F.approved}`) });
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
    const postOnly = await api().request('GET', '/v2/wallets/transfer');
    expect(postOnly.status).toBe(405);
    expect(postOnly.headers.allow).toBe('POST');
  });

  it('HEAD on a GET route answers the GET\'s status and headers without a body', async () => {
    const get = await api().get(`/v2/cardholders/${F.approved}`);
    const head = await api().request('HEAD', `/v2/cardholders/${F.approved}`);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
    const missing = await api().request('HEAD', '/v2/cardholders/999999');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
  });
});

describe('500: unexpected errors', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('a store that cannot be written gives 500 naming the data file and the cause, and no stack', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-500-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    const m = await startMock({ dataFile: path.join(dataDir, 'db.json'), validateResponses: true });
    try {
      // the data directory becomes a plain file: every write now fails
      await rm(dataDir, { recursive: true });
      await writeFile(dataDir, 'not a directory');
      const res = await apiClient(m).post('/v2/cardholders', cardholderBody());
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ status: 'error', message: expect.stringMatching(/^The data file .*db\.json could not be written \((ENOTDIR|EEXIST): something that is not a folder is where the data folder should be\)\. The change was not stored and nothing changed/) });
      expect(res.text).not.toMatch(/at .*\.ts/);
      expect(res.headers['x-request-id']).toBeTruthy();
    } finally {
      await m.close();
    }
  });
});
