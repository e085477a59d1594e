import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { apiClient } from './helpers/client.js';
import { cardholderBody, fixtureCardholder } from './helpers/data.js';
import { useMock } from './helpers/mock.js';

const mock = useMock();
const control = (path: string, init?: RequestInit) => fetch(`${mock().controlUrl}${path}`, { ...init, headers: { 'X-Requested-With': 'test', ...(init?.headers as Record<string, string>) } });
const report = async () => (await (await control('/_mock/coverage')).json()) as any;

// the oracle for the operation list: the spec itself, read here independently
const spec = YAML.parse(readFileSync(new URL('../openapi/platform.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
const specOperations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([m, op]) => `${m.toUpperCase()} ${path} ${op.operationId}`));

describe('GET /_mock/coverage', () => {
  it('lists every operation of the spec, counts calls by status, and survives a reset', async () => {
    await control('/_mock/coverage', { method: 'DELETE' });
    const api = apiClient(mock());
    expect((await api.get('/v2/cardholders')).status).toBe(200);
    expect((await api.get(`/v2/cardholders/${fixtureCardholder.approved}`)).status).toBe(200);
    expect((await api.get('/v2/cardholders/999999')).status).toBe(404);
    expect((await api.get('/v2/cards/transactions')).status).toBe(200);
    await mock().reset();
    const r = await report();
    expect(r.items.map((i: any) => `${i.method} ${i.path} ${i.operationId}`)).toEqual(specOperations);
    const byId = Object.fromEntries(r.items.map((i: any) => [i.operationId, i]));
    expect(byId.listCardholders).toMatchObject({ calls: 1, statuses: { '200': 1 } });
    expect(byId.getCardholder).toMatchObject({ calls: 2, statuses: { '200': 1, '404': 1 } });
    // a literal segment wins over a parameter: /v2/cards/transactions is not getCard
    expect(byId.listCardTransactions.calls).toBe(1);
    expect(byId.getCard.calls).toBe(0);
    expect(r.operations).toEqual({ total: specOperations.length, called: 3, percent: Math.round((3 / specOperations.length) * 1000) / 10 });
  });

  it("marks the errors page's scenarios as they happen", async () => {
    await control('/_mock/coverage', { method: 'DELETE' });
    const ids = async () => (await report()).scenarios.filter((s: any) => s.exercised).map((s: any) => s.id);
    expect(await ids()).toEqual([]);

    await apiClient(mock(), { apiKey: 'axys_stg_nope' }).get('/v2/cardholders');
    await apiClient(mock(), { localAddress: '127.0.0.7' }).get('/v2/cardholders');
    await control('/_mock/dns', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ptr: {}, a: {} }) });
    await apiClient(mock()).get('/v2/cardholders');
    await mock().reset();
    expect(await ids()).toEqual(['401-api-key', '403-ip-allowlist', '403-fcrdns']);

    const api = apiClient(mock());
    expect((await api.get('/v2/otp/not-a-token')).status).toBe(404);
    const locked = await api.put(`/v2/cardholders/${fixtureCardholder.approved}`, cardholderBody({ firstName: 'Changed' }));
    expect(locked.status).toBe(409);
    expect((await api.get('/v2/cardholders', { headers: { 'X-Mock-Fault': '503' } })).status).toBe(503);
    const afterCommit = await api.post('/v2/cardholders', cardholderBody(), { headers: { 'X-Mock-Fault': 'after-commit=500' } });
    expect(afterCommit.status).toBe(500);
    await control('/_mock/programs/1/rate-limit', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestsPerSecond: 1, burst: 1 }) });
    await api.get('/v2/cardholders');
    expect((await api.get('/v2/cardholders')).status).toBe(429);
    expect(await ids()).toEqual(['401-api-key', '403-ip-allowlist', '403-fcrdns', '404-otp-expired', '409-compliance-lock', '429-rate-limit', '5xx-fault', 'after-commit']);
  });

  it('as JUnit XML (a failure per operation never called) and as Markdown', async () => {
    await control('/_mock/coverage', { method: 'DELETE' });
    await apiClient(mock()).get('/v2/cardholders');
    const junit = await control('/_mock/coverage?format=junit');
    expect(junit.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await junit.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="axys-mock coverage"/);
    expect(xml).toContain('<testcase classname="axys-mock.operations" name="GET /v2/cardholders (listCardholders)"><system-out>200 x1</system-out></testcase>');
    expect(xml).toContain('<testcase classname="axys-mock.operations" name="POST /v2/cardholders (createCardholder)"><failure message="never called"/></testcase>');
    expect(xml).toContain(`<testsuite name="operations" tests="${specOperations.length}" failures="${specOperations.length - 1}"`);
    const viaAccept = await control('/_mock/coverage', { headers: { accept: 'text/markdown' } });
    const md = await viaAccept.text();
    expect(md).toContain(`1 of ${specOperations.length} operations called`);
    expect(md).toContain('| listCardholders | GET | `/v2/cardholders` | 1 | 200 x1 |');
    const bad = await control('/_mock/coverage?format=pdf');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('query.format');
  });
});

describe('GET /_mock/metrics', () => {
  it('Prometheus text: requests by operation, status and decision; faults fired; a latency histogram', async () => {
    const api = apiClient(mock());
    await api.get('/v2/cardholders');
    await api.get('/v2/cardholders', { headers: { 'X-Mock-Fault': '502' } });
    await apiClient(mock(), { apiKey: null }).get('/v2/wallets');
    const res = await control('/_mock/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"().+]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('axys_mock_requests_total{operation="listCardholders",status="200",decision="ok"}')).toBeGreaterThanOrEqual(1);
    expect(value('axys_mock_requests_total{operation="listCardholders",status="502",decision="fault"}')).toBe(1);
    expect(value('axys_mock_requests_total{operation="listWallets",status="401",decision="invalid_api_key"}')).toBe(1);
    expect(value('axys_mock_faults_fired_total{fault="header"}')).toBeGreaterThanOrEqual(1);
    expect(value('axys_mock_request_duration_seconds_count{operation="listCardholders"}')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^# TYPE axys_mock_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^axys_mock_request_duration_seconds_bucket\{le="\+Inf",operation="listCardholders"\} \d+$/m);
    // counted before the first read (while prom-client was not loaded) and after it alike
    await api.get('/v2/cardholders', { headers: { 'X-Mock-Fault': '502' } });
    const again = await (await control('/_mock/metrics')).text();
    expect(Number(/^axys_mock_requests_total\{operation="listCardholders",status="502",decision="fault"\} (\S+)$/m.exec(again)?.[1])).toBe(2);
  });
});
