import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../../src/mock.js';
import { AxysMockContainer, type StartedAxysMockContainer } from '../../src/testcontainers.js';

const run = promisify(execFile);

// The Testcontainers module against the image scripts/test-docker.sh built (AXYS_MOCK_IMAGE).
let mock: StartedAxysMockContainer;
/** docker's own view of the container the moment start() resolved */
let healthAtStart: string;
beforeAll(async () => {
  mock = await new AxysMockContainer(process.env.AXYS_MOCK_IMAGE).withControlToken('docker-test-token').start();
  healthAtStart = (await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', mock.getId()])).stdout.trim();
});
afterAll(async () => {
  await mock?.close();
});

describe('AxysMockContainer', () => {
  it("start() resolves once the image's health check says healthy", () => {
    expect(healthAtStart).toBe('healthy');
  });

  it('maps both ports to free host ports', () => {
    expect(new URL(mock.apiUrl).port).toBe(String(mock.getMappedPort(8443)));
    expect(new URL(mock.controlUrl).port).toBe(String(mock.getMappedPort(8081)));
    expect(mock.getMappedPort(8443)).not.toBe(mock.getMappedPort(8081));
  });

  it("has the members of startMock()'s result that a test uses, with the same types", () => {
    // checked by tsc too: the container's result fits where startMock()'s is expected
    const shape: Pick<RunningMock, 'apiUrl' | 'controlUrl' | 'programId' | 'apiKey' | 'tls' | 'dispatcher' | 'agent' | 'fetch' | 'control' | 'close'> = mock;
    const members = ['apiUrl', 'controlUrl', 'programId', 'apiKey', 'tls', 'dispatcher', 'agent', 'fetch', 'control', 'close'] as const;
    expect(Object.fromEntries(members.map((k) => [k, typeof shape[k]]))).toEqual({
      apiUrl: 'string',
      controlUrl: 'string',
      programId: 'number',
      apiKey: 'string',
      tls: 'object',
      dispatcher: 'object',
      agent: 'object',
      fetch: 'function',
      control: 'object',
      close: 'function',
    });
    expect(Object.keys(mock.tls).sort()).toEqual(['ca', 'cert', 'key']);
  });

  it('resolves to the shape of startMock(): URLs, tls, apiKey, dispatcher, control', () => {
    expect(mock.apiUrl).toMatch(/^https:\/\/.+:\d+$/);
    expect(mock.controlUrl).toMatch(/^http:\/\/.+:\d+$/);
    expect(mock.programId).toBe(1);
    expect(mock.apiKey).toBe('axys_stg_northwind_4f1c2a9e7b3d5a60');
    expect(mock.tls.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(mock.tls.key).toMatch(/PRIVATE KEY-----/);
  });

  it('gets a 200 over mTLS through the mapped port with the copied-out certificates (fetch and dispatcher)', async () => {
    const viaHelper = await mock.fetch('/v2/cardholders');
    expect(viaHelper.status).toBe(200);
    const viaDispatcher = await fetch(`${mock.apiUrl}/v2/cardholders/10001`, { dispatcher: mock.dispatcher, headers: { 'X-API-Key': mock.apiKey } });
    expect(viaDispatcher.status).toBe(200);
    expect(((await viaDispatcher.json()) as { status: string }).status).toBe('success');
  });

  it('writes the certificates to a local folder that curl can use', async () => {
    expect(await readFile(path.join(mock.certsDir, 'ca.pem'), 'utf8')).toBe(mock.tls.ca);
    // copied out of the container: the very files the mock serves with
    expect((await mock.exec(['cat', '/app/certs/clients/1.pem'])).stdout).toBe(await readFile(path.join(mock.certsDir, 'clients/1.pem'), 'utf8'));
    const { stdout } = await run('curl', [
      '-s', '-o', '/dev/null', '-w', '%{http_code}',
      '--cacert', path.join(mock.certsDir, 'ca.pem'),
      '--cert', path.join(mock.certsDir, 'clients/1.pem'),
      '--key', path.join(mock.certsDir, 'clients/1-key.pem'),
      '-H', `X-API-Key: ${mock.apiKey}`,
      `${mock.apiUrl}/v2/wallets`,
    ]);
    expect(stdout).toBe('200');
  });

  it('drives the control plane with the token, and the journal saw the calls', async () => {
    expect((await fetch(`${mock.controlUrl}/_mock/requests`)).status).toBe(401);
    const journal = await mock.control.journal.list({ path: '/v2/cardholders' });
    expect(journal.items.length).toBeGreaterThanOrEqual(1);
    await mock.control.reset();
    expect((await mock.control.journal.list()).items).toEqual([]);
    const coverage = await mock.control.coverage.get();
    expect(coverage.items.find((i) => i.operationId === 'listCardholders')!.calls).toBeGreaterThanOrEqual(1);
  });
});
