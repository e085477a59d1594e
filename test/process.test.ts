import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.js';
import { cardholderBody, fixtureKeys } from './helpers/data.js';
import { runMockToExit, spawnMock } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

const dir = useTempDir('axys-process-');

function post(apiUrl: string, certsDir: string, body: unknown): Promise<{ status: number; body: any }> {
  const url = new URL('/v2/cardholders', apiUrl);
  return new Promise((resolve, reject) => {
    Promise.all(['ca.pem', 'clients/1.pem', 'clients/1-key.pem'].map((f) => readFile(path.join(certsDir, f), 'utf8'))).then(([ca, cert, key]) => {
      const req = https.request(url, { method: 'POST', ca, cert, key, agent: false, headers: { 'X-API-Key': fixtureKeys.staging, 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    }, reject);
  });
}

describe('the CLI as a user runs it', () => {
  it('prints a curl command that returns 200 when pasted into a shell', async () => {
    const mock = await spawnMock(['--data-file', 'data/db.json', '--certs-dir', 'certs'], dir());
    try {
      expect(mock.curl).toContain('--cert certs/clients/1.pem');
      const out = execFileSync('sh', ['-c', `${mock.curl} -s -o /dev/null -w '%{http_code}'`], { cwd: dir(), encoding: 'utf8' });
      expect(out).toBe('200');
    } finally {
      mock.child.kill('SIGTERM');
    }
  });

  it('keeps a cardholder created right before a SIGKILL', async () => {
    const args = ['--data-file', 'kill/db.json', '--certs-dir', 'certs'];
    const first = await spawnMock(args, dir());
    const created = await post(first.apiUrl, path.join(dir(), 'certs'), cardholderBody({ firstName: 'Persisted' }));
    expect(created.status).toBe(200);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // the snapshot plus its change log, as a restart loads them
    const stored = (await Store.open(path.join(dir(), 'kill/db.json'), () => Promise.reject(new Error('the data file is gone')))).state;
    expect(stored.cardholders.find((c: { cardholderId: number }) => c.cardholderId === created.body.cardholderId)?.firstName).toBe('Persisted');
    const second = await spawnMock(args, dir());
    try {
      const again = await post(second.apiUrl, path.join(dir(), 'certs'), cardholderBody());
      expect(again.body.cardholderId).toBe(created.body.cardholderId + 1);
    } finally {
      second.child.kill('SIGTERM');
    }
  });

  it('refuses to start on a corrupt data file, names it, and leaves it untouched', async () => {
    const file = path.join(dir(), 'corrupt.json');
    await writeFile(file, '{"version":1,"programs":[');
    const result = await runMockToExit(['--data-file', file, '--certs-dir', 'certs'], dir());
    expect(result.code).toBe(1);
    expect(result.output).toContain(file);
    expect(result.output).toMatch(/left untouched/);
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"programs":[');
  });

  it('keeps running, and stops cleanly, once the reader of its stdout is gone (piped into head)', async () => {
    const mock = await spawnMock(['--in-memory', '--certs-dir', 'certs'], dir());
    let stderr = '';
    mock.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    mock.child.stdout!.destroy();
    const exited = new Promise<[number | null, string | null]>((r) => mock.child.once('exit', (code, signal) => r([code, signal])));
    mock.child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
    expect(stderr).not.toMatch(/EPIPE/);
  });

  it('prints --help into a pipe nobody reads without crashing', async () => {
    const result = await runMockToExit(['--help'], dir(), { closeStdout: true });
    expect(result).toEqual({ code: 0, output: '' });
  });

  it('names every bad setting at once', async () => {
    const result = await runMockToExit(['--log-level', 'loud', '--port', '99999'], dir());
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/PORT must be a port number/);
    expect(result.output).toMatch(/LOG_LEVEL must be silent, info or debug/);
  });
});
