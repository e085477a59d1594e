/**
 * Structural checks of the OpenAPI documents in openapi/: they parse, every $ref resolves, every
 * operation is complete (operationId, success response, error responses on the shared Error schema),
 * request bodies are strict, and every documented platform path is present.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, it, expect, beforeAll } from 'vitest';
import YAML from 'yaml';
import { dereference } from '@apidevtools/json-schema-ref-parser';
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import request from 'supertest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Operation {
  file: string;
  path: string;
  method: string;
  raw: Json; // the operation as written (with $refs)
  deref: Json; // the operation dereferenced
}

/** Every documented platform endpoint: reference.md section 5 (5.1 to 5.5) plus the INFERRED paths of 5.2/5.3/8.3. */
const PLATFORM_ENDPOINTS: Array<[method: string, path: string, deprecated?: boolean]> = [
  // 5.1 cardholders
  ['get', '/v2/cardholders'],
  ['post', '/v2/cardholders'],
  ['get', '/v2/cardholders/{cardholderId}'],
  ['put', '/v2/cardholders/{cardholderId}'],
  ['put', '/v2/cardholders/{cardholderId}/update'],
  ['put', '/v2/cardholders/{cardholderId}/kyc-submit'],
  ['post', '/v2/cardholders/{cardholderId}/kyc-url/refresh'],
  ['post', '/v2/cardholders/{cardholderId}/register-bank-account'],
  ['post', '/v2/cardholders/{cardholderId}/register-wallet-address', true],
  // 5.2 cards
  ['post', '/v2/cards/virtual/{cardholderId}'],
  ['post', '/v2/cards/assign/{cardholderId}'],
  ['get', '/v2/cards/{cardId}'],
  ['get', '/v2/cards/{cardId}/balance'],
  ['put', '/v2/cards/{cardId}/activate'],
  ['put', '/v2/cards/{cardId}/status'],
  ['put', '/v2/cards/{cardId}/update'],
  ['put', '/v2/cards/{cardId}/pin'],
  ['get', '/v2/cards/{cardId}/sensitive'],
  ['post', '/v2/cards/{cardId}/bank-deposit'],
  ['post', '/v2/cards/{cardId}/deposit', true],
  ['get', '/v2/cards/transactions'],
  ['get', '/v2/cards/fees'],
  // docs/pagination-filtering-and-rate-limits (contract 8.4)
  ['get', '/v2/cards'],
  // 5.3 wallets
  ['post', '/v2/wallets'],
  ['get', '/v2/wallets'],
  ['get', '/v2/wallets/{walletId}'],
  ['post', '/v2/wallets/{walletId}/bank-deposit'],
  ['post', '/v2/wallets/{walletId}/deposit', true],
  ['post', '/v2/wallets/transfer'],
  ['get', '/v2/wallets/transactions'],
  // 5.4 3-D Secure OTP
  ['post', '/v2/otp/listeners'],
  ['get', '/v2/otp/{token}'],
  ['delete', '/v2/otp/{token}'],
  // 5.5 / 8.3 staging simulations
  ['post', '/v2/staging/kyc/validate'],
  ['post', '/v2/staging/cards/{cardId}/spend'],
  ['post', '/v2/staging/cards/{cardId}/deposit'],
  ['post', '/v2/staging/cards/{cardId}/3ds-challenge'],
  ['post', '/v2/staging/wallets/{walletId}/deposit'],
  // the card-transaction lifecycle (contract 8.3; INFERRED simulations)
  ['post', '/v2/staging/transactions/{transId}/clear'],
  ['post', '/v2/staging/transactions/{transId}/complete'],
  ['post', '/v2/staging/transactions/{transId}/reverse'],
  ['post', '/v2/staging/transactions/{transId}/error'],
  ['post', '/v2/staging/transactions/{transId}/refund'],
  ['post', '/v2/staging/bank-accounts/{depositId}/sms-reply'],
];

/** The control plane calls that exist so far (contract section 5). */
const CONTROL_ENDPOINTS: Array<[method: string, path: string, success: string]> = [
  ['get', '/_mock/health', '200'],
  ['post', '/_mock/reset', '200'],
  ['get', '/_mock/programs', '200'],
  ['post', '/_mock/programs', '201'],
  ['get', '/_mock/programs/{programId}', '200'],
  ['patch', '/_mock/programs/{programId}', '200'],
  ['put', '/_mock/programs/{programId}/allowlist', '200'],
  ['post', '/_mock/programs/{programId}/api-keys', '201'],
  ['delete', '/_mock/api-keys/{apiKey}', '200'],
  ['post', '/_mock/certificates', '201'],
  ['get', '/_mock/certificates', '200'],
  ['post', '/_mock/certificates/{serial}/revoke', '200'],
  ['get', '/_mock/dns', '200'],
  ['put', '/_mock/dns', '200'],
  ['get', '/_mock/requests', '200'],
  ['delete', '/_mock/requests', '200'],
  ['put', '/_mock/programs/{programId}/rate-limit', '200'],
  ['get', '/_mock/faults', '200'],
  ['post', '/_mock/faults', '201'],
  ['delete', '/_mock/faults', '200'],
  ['get', '/_mock/faults/{id}', '200'],
  ['delete', '/_mock/faults/{id}', '200'],
  ['get', '/_mock/state', '200'],
  ['put', '/_mock/state', '200'],
  ['get', '/_mock/snapshots', '200'],
  ['post', '/_mock/snapshots', '201'],
  ['delete', '/_mock/snapshots/{snapshotId}', '200'],
  ['post', '/_mock/snapshots/{snapshotId}/restore', '200'],
  ['get', '/_mock/clock', '200'],
  ['put', '/_mock/clock', '200'],
  ['delete', '/_mock/clock', '200'],
  ['post', '/_mock/clock/advance', '200'],
  ['get', '/_mock/webhooks', '200'],
  ['delete', '/_mock/webhooks', '200'],
  ['put', '/_mock/programs/{programId}/reminder-url', '200'],
  ['put', '/_mock/programs/{programId}/emulation', '200'],
  ['delete', '/_mock/programs/{programId}/emulation', '200'],
  ['post', '/_mock/bank-accounts/{depositId}/sms-reply', '200'],
  ['get', '/_mock/clock/pending', '200'],
];

const FILES = ['openapi/platform.yaml', 'openapi/control.yaml'] as const;
const raw: Record<string, Json> = {};
const deref: Record<string, Json> = {};
const ops: Operation[] = [];

function pointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: Json = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function collectRefs(node: Json, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

/** the raw response object of a status, following one components/responses $ref */
function rawResponse(file: string, op: Operation, code: string): Json {
  const r = op.raw.responses?.[code];
  return r?.$ref ? pointer(raw[file], r.$ref) : r;
}

/** every object schema (with properties) inside a schema, to check strictness of nested objects too */
function objectSchemas(schema: Json, where: string, out: Array<[string, Json]> = [], seen = new Set<Json>()): Array<[string, Json]> {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return out;
  seen.add(schema);
  if (schema.properties) out.push([where, schema]);
  for (const [k, v] of Object.entries<Json>(schema.properties ?? {})) objectSchemas(v, `${where}.${k}`, out, seen);
  if (schema.items) objectSchemas(schema.items, `${where}[]`, out, seen);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    objectSchemas(schema.additionalProperties, `${where}{}`, out, seen);
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const)
    (schema[k] ?? []).forEach((s: Json, i: number) => objectSchemas(s, `${where}.${k}[${i}]`, out, seen));
  return out;
}

beforeAll(async () => {
  for (const file of FILES) {
    const text = readFileSync(path.join(root, file), 'utf8');
    raw[file] = YAML.parse(text, { uniqueKeys: true });
    deref[file] = await dereference(structuredClone(raw[file]));
    for (const [p, item] of Object.entries<Json>(raw[file].paths ?? {})) {
      for (const method of METHODS) {
        if (!item[method]) continue;
        ops.push({ file, path: p, method, raw: item[method], deref: deref[file].paths[p][method] });
      }
    }
  }
});

describe.each(FILES)('%s', (file) => {
  it('is OpenAPI 3.0.3 with info, servers and paths', () => {
    const doc = raw[file];
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info?.title).toBeTruthy();
    expect(doc.info?.version).toBeTruthy();
    expect(doc.servers?.length).toBeGreaterThan(0);
    expect(Object.keys(doc.paths ?? {}).length).toBeGreaterThan(0);
  });

  it('every $ref is local and resolves', () => {
    const refs = collectRefs(raw[file]);
    expect(refs.length).toBeGreaterThan(0);
    const broken = refs.filter((r) => pointer(raw[file], r) === undefined);
    expect(broken).toEqual([]);
    // and the dereferenced document holds no $ref any more
    expect(collectRefs(deref[file])).toEqual([]);
  });

  it('has the shared Error schema {status: error, message, errors?}', () => {
    const error = raw[file].components.schemas.Error;
    expect(error.required.sort()).toEqual(['message', 'status']);
    expect(error.properties.status.enum).toEqual(['error']);
    expect(error.additionalProperties).toBe(false);
    expect(error.properties.errors.items.required.sort()).toEqual(['field', 'message']);
  });

  it('every operation has a unique operationId, summary and description', () => {
    const mine = ops.filter((o) => o.file === file);
    const ids = mine.map((o) => o.raw.operationId);
    for (const o of mine) {
      expect(o.raw.operationId, `${o.method} ${o.path}`).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(o.raw.summary, `${o.method} ${o.path}`).toBeTruthy();
    }
    if (file === 'openapi/platform.yaml') for (const o of mine) expect(o.raw.description, `${o.method} ${o.path}`).toBeTruthy();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every operation has a JSON 200/201 response and 4xx responses on the Error schema', () => {
    for (const o of ops.filter((x) => x.file === file)) {
      const label = `${o.method.toUpperCase()} ${o.path}`;
      const codes = Object.keys(o.raw.responses ?? {});
      const success = codes.filter((c) => c === '200' || c === '201');
      expect(success.length, label).toBe(1);
      // a live stream (Server-Sent Events) and Prometheus' own text format are the kinds of success that are not JSON
      const mediaType = o.path.endsWith('/stream') ? 'text/event-stream' : o.raw.operationId === 'getMetrics' ? 'text/plain' : 'application/json';
      expect(o.deref.responses[success[0]!].content?.[mediaType]?.schema, label).toBeTruthy();
      const errors = codes.filter((c) => /^[45]\d\d$/.test(c));
      expect(errors.some((c) => c.startsWith('4')), label).toBe(true);
      for (const c of errors) {
        expect(o.raw.responses[c].$ref, `${label} ${c} uses components/responses`).toMatch(/^#\/components\/responses\//);
        const resp = rawResponse(file, o, c);
        expect(resp.content['application/json'].schema.$ref, `${label} ${c}`).toBe('#/components/schemas/Error');
      }
    }
  });

  it('every path parameter is declared, ids are integers >= 1', () => {
    for (const o of ops.filter((x) => x.file === file)) {
      const item = deref[file].paths[o.path];
      const params: Json[] = [...(item.parameters ?? []), ...(o.deref.parameters ?? [])];
      const names = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const n of names) {
        const p = params.find((x) => x.in === 'path' && x.name === n);
        expect(p, `${o.method} ${o.path} {${n}}`).toBeTruthy();
        expect(p.required).toBe(true);
        // transId is documented as a string (reference/get_cards-transactions)
        if (/Id$/.test(n!) && n !== 'transId') expect(p.schema, `${o.path} ${n}`).toMatchObject({ type: 'integer', minimum: 1 });
      }
    }
  });

  it('request bodies are JSON objects with additionalProperties: false (nested objects too)', () => {
    for (const o of ops.filter((x) => x.file === file && x.deref.requestBody)) {
      const label = `${o.method.toUpperCase()} ${o.path}`;
      const schema = o.deref.requestBody.content?.['application/json']?.schema;
      expect(schema, label).toBeTruthy();
      expect(schema.type, label).toBe('object');
      expect(schema.additionalProperties, label).toBe(false);
      for (const [where, s] of objectSchemas(schema, 'body')) expect(s.additionalProperties, `${label} ${where}`).toBe(false);
      for (const r of schema.required ?? []) expect(schema.properties?.[r], `${label} required ${r}`).toBeTruthy();
    }
  });
});

describe('openapi/platform.yaml', () => {
  const file = 'openapi/platform.yaml';

  it('serves https://127.0.0.1:8443 with an X-API-Key scheme declared globally', () => {
    expect(raw[file].servers[0].url).toBe('https://127.0.0.1:8443');
    expect(raw[file].components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }));
    expect(raw[file].security).toEqual([{ apiKey: [] }]);
  });

  it.each(PLATFORM_ENDPOINTS)('documents %s %s', (method, p, deprecated) => {
    const op = raw[file].paths[p]?.[method];
    expect(op, `${method} ${p}`).toBeTruthy();
    expect(Boolean(op.deprecated)).toBe(Boolean(deprecated));
  });

  it('has no operation beyond the documented table', () => {
    const listed = new Set(PLATFORM_ENDPOINTS.map(([m, p]) => `${m} ${p}`));
    const extra = ops.filter((o) => o.file === file && !listed.has(`${o.method} ${o.path}`)).map((o) => `${o.method} ${o.path}`);
    expect(extra).toEqual([]);
  });

  it('every operation answers 400, 401, 403, 429 and 500 at least', () => {
    for (const o of ops.filter((x) => x.file === file)) {
      for (const c of ['400', '401', '403', '429', '500']) expect(o.raw.responses[c], `${o.method} ${o.path} ${c}`).toBeTruthy();
      if (o.path.includes('{')) expect(o.raw.responses['404'], `${o.method} ${o.path} 404`).toBeTruthy();
      if (o.path.startsWith('/v2/staging/')) expect(o.raw.responses['404'], `${o.method} ${o.path} 404`).toBeTruthy();
    }
  });

  it('success bodies are strict objects with status "success" (the OTP read: pending|received)', () => {
    for (const o of ops.filter((x) => x.file === file)) {
      const label = `${o.method.toUpperCase()} ${o.path}`;
      const schema = o.deref.responses['200'].content['application/json'].schema;
      expect(schema.type, label).toBe('object');
      expect(schema.additionalProperties, label).toBe(false);
      expect(schema.required, label).toContain('status');
      const expected = o.raw.operationId === 'getOtp' ? ['pending', 'received'] : ['success'];
      expect(schema.properties.status.enum, label).toEqual(expected);
      for (const [where, s] of objectSchemas(schema, 'response')) {
        if (where.endsWith('{}')) continue;
        expect(s.additionalProperties, `${label} ${where}`).toBe(false);
      }
    }
  });

  it('list operations take limit 1..200 (default 50) and offset >= 0 and answer {status, items, total, limit, offset}', () => {
    const lists = ops.filter((o) => o.file === file && (o.deref.parameters ?? []).some((p: Json) => p.name === 'limit'));
    expect(lists.map((o) => o.raw.operationId).sort()).toEqual(
      ['listCardFees', 'listCardTransactions', 'listCardholders', 'listCards', 'listWalletTransactions', 'listWallets'].sort(),
    );
    for (const o of lists) {
      const limit = o.deref.parameters.find((p: Json) => p.name === 'limit');
      const offset = o.deref.parameters.find((p: Json) => p.name === 'offset');
      expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
      expect(offset.schema).toMatchObject({ type: 'integer', minimum: 0, default: 0 });
      // contract 8.1: every list takes before / after / orderBy / sort
      for (const name of ['before', 'after', 'orderBy', 'sort']) expect(o.deref.parameters.some((p: Json) => p.name === name), `${o.raw.operationId} ${name}`).toBe(true);
      const schema = o.deref.responses['200'].content['application/json'].schema;
      expect([...schema.required].sort()).toEqual(['items', 'limit', 'offset', 'status', 'total']);
      expect(schema.properties.items.type).toBe('array');
    }
  });

  it('money is integer minor units except the documented decimal strings', () => {
    const s = deref[file].components.schemas;
    expect(s.CardholderCreate.properties.transactionLimit.type).toBe('integer');
    expect(s.TransferRequest.properties.amount).toMatchObject({ type: 'integer', minimum: 1 });
    expect(s.CardBalance.properties.ledgerBalance.type).toBe('integer');
    expect(s.Transaction.properties.amount.type).toBe('string');
    expect(s.Transaction.properties.merchantAmount.type).toBe('string');
    expect(s.Fee.properties.amount.type).toBe('string');
    expect(s.StagingDeposit.properties.amount).toMatchObject({ type: 'string', pattern: '^[0-9]{1,9}(\\.[0-9]{1,2})?$' });
    expect(s.StagingSpend.properties.amount.type).toBe('string');
  });

  it('cardholder create body is exactly as decided', () => {
    const c = deref[file].components.schemas.CardholderCreate;
    expect([...c.required].sort()).toEqual(
      ['adrLine1', 'callingCode', 'cellNum', 'city', 'country', 'countryCallingCode', 'dob', 'emailAdr', 'firstName', 'gender', 'lastName', 'nationality', 'placeOfBirth', 'state', 'zipCode'].sort(),
    );
    expect(Object.keys(c.properties).sort()).toEqual([...c.required, 'adrLine2', 'phoneNum', 'sumsubEnabled', 'transactionLimit'].sort());
    expect(c.properties.firstName).toMatchObject({ minLength: 2, maxLength: 50 });
    expect(c.properties.emailAdr).toMatchObject({ format: 'email', minLength: 6, maxLength: 50 });
    expect(c.properties.gender.enum).toEqual([0, 1, 2]);
    expect(c.properties.cellNum.pattern).toBe('^[0-9]{10,20}$');
    // the full edit uses the same body
    expect(raw[file].paths['/v2/cardholders/{cardholderId}'].put.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CardholderCreate',
    );
  });
});

describe('openapi/control.yaml', () => {
  const file = 'openapi/control.yaml';

  it.each(CONTROL_ENDPOINTS)('documents %s %s (%s)', (method, p, success) => {
    const op = raw[file].paths[p]?.[method];
    expect(op, `${method} ${p}`).toBeTruthy();
    expect(op.responses[success]).toBeTruthy();
  });

  it('every control path is under /_mock', () => {
    for (const p of Object.keys(raw[file].paths)) expect(p.startsWith('/_mock/')).toBe(true);
  });

  it('src/generated/state-validator.ts is compiled from the current State schema (npm run gen:types)', () => {
    const out = path.join(os.tmpdir(), `axys-state-validator-${process.pid}.ts`);
    execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-state-validator.mjs'), out]);
    try {
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(path.join(root, 'src', 'generated', 'state-validator.ts'), 'utf8'));
    } finally {
      rmSync(out, { force: true });
    }
  });
});

/** The documents also compile in express-openapi-validator (ajv strict mode, formats) and route every operation. */
describe.each(FILES)('%s in express-openapi-validator', (file) => {
  it('compiles and validates a request to every operation', async () => {
    const app = express();
    app.use(express.json());
    app.use(
      OpenApiValidator.middleware({
        apiSpec: path.join(root, file),
        validateRequests: { allErrors: true },
        validateResponses: true,
        validateSecurity: false,
      }),
    );
    app.use((req, res) => {
      res.json({});
    });
    app.use((err: Json, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).json({ message: err.message });
    });
    const sample: Record<string, string> = { token: 'tok_1', serial: '0A1B', apiKey: 'key1' };
    for (const o of ops.filter((x) => x.file === file)) {
      const url = o.path.replace(/\{(\w+)\}/g, (_, n: string) => sample[n] ?? '1');
      const agent = request(app) as Json;
      const res = await agent[o.method](url).send(o.method === 'get' || o.method === 'delete' ? undefined : {});
      const label = `${o.method.toUpperCase()} ${o.path}: ${res.status} ${res.body?.message}`;
      // a route the validator matched: either the request failed validation (400), or the empty
      // stub answer failed response validation (500 mentioning the response) - never a 404 or a compile error
      if (res.status === 500) expect(String(res.body.message), label).toMatch(/response|no schema defined for status code/);
      else expect([200, 400], label).toContain(res.status);
    }
  }, 90_000); // compiles every schema of the document: ~0.5 s per operation on a loaded machine
});
