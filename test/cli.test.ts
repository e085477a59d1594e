import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../src/client/tls-clients.js';
import type { ReadyInfo } from '../src/ready.js';
import { fixtureKeys } from './helpers/data.js';
import { builtCli, runMockToExit, spawnMock } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const version = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

const dir = useTempDir('axys-cli-');

/** The CLI with exactly these arguments (no --port 0 added), to completion. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...builtCli, ...args], { cwd: dir(), env: { ...process.env, ...env }, timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const oneLine = (text: string) => text.trim().split('\n');

// every test starts the CLI (and some a JVM or Python): seconds each on a busy 2-core machine
const slow = { timeout: 180_000 };

describe('what a person types first', slow, () => {
  it.each([['--help'], ['-h']])('%s prints the usage, with exec and every option', async (flag) => {
    const { code, stdout } = await cli([flag]);
    expect(code).toBe(0);
    for (const option of ['--port', '--log-format', '--ready-file', '--print-ready-json', 'axys-mock exec', '--min-coverage', '--version']) expect(stdout).toContain(option);
  });

  it('--version prints the package version alone', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    [['--prot', '8443'], /^axys-mock: unknown option --prot\. Run axys-mock --help for the options\.$/],
    [['--port'], /^axys-mock: --port needs a value\. Run axys-mock --help/],
    [['serve'], /^axys-mock: unexpected argument serve: options start with --/],
    [['exec', '--', 'definitely-not-a-command-xyz'], /^axys-mock exec: mock ready at .*\naxys-mock exec: command not found: definitely-not-a-command-xyz$/],
    [['exec', 'true'], /^axys-mock: exec needs a command after --, as in: axys-mock exec -- pytest -q$/],
    [['exec', '--min-coverage', 'lots', '--', 'true'], /^axys-mock: --min-coverage must be a percentage 0\.\.100, got "lots"$/],
  ])('%j fails in one line, no stack trace', async (args, expected) => {
    const { code, stderr } = await cli(args);
    expect(code).not.toBe(0);
    expect(stderr.trim()).toMatch(expected);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a busy port is named in one line with what to do', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await cli(['--in-memory', '--port', '0', '--control-port', String(port)]);
      expect(code).toBe(1);
      expect(oneLine(stderr)).toEqual([`axys-mock: port ${port} on 127.0.0.1 is in use (another axys-mock, or another server): stop what holds it, or choose another with --control-port <n> (0 picks a free port)`]);
    } finally {
      blocker.close();
    }
  });

  it('an unwritable data directory is named in one line with what to do', async () => {
    // /sys refuses new folders to every user, root included (CI runs as root)
    const { code, stderr } = await cli(['--port', '0', '--control-port', '0', '--data-file', '/sys/axys-mock-test/db.json']);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/^axys-mock: Cannot write the data folder \/sys\/axys-mock-test \((EPERM|EACCES|EROFS)\b.*\)\. Fix that, or start with --data-file <path in a writable folder> or --in-memory\.$/m);
  });

  it('an unwritable certificates folder gets the same one line as the data folder: the folder, the cause, the fix', async () => {
    const { code, stderr } = await cli(['--in-memory', '--port', '0', '--control-port', '0', '--certs-dir', '/sys/axys-mock-test-certs']);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/^axys-mock: Cannot write the certificates folder \/sys\/axys-mock-test-certs \((EPERM|EACCES|EROFS): .+\)\. Fix that, or start with --certs-dir <a writable folder>\.$/m);
    const underFile = await cli(['--in-memory', '--port', '0', '--control-port', '0', '--certs-dir', '/dev/null/certs']);
    expect(underFile.code).toBe(1);
    expect(oneLine(underFile.stderr)).toEqual([
      'axys-mock: Cannot write the certificates folder /dev/null/certs (ENOTDIR: something that is not a folder is where the certificates folder should be). Fix that, or start with --certs-dir <a writable folder>.',
    ]);
  });

  it('a data file under a regular file is named in one line (also as root)', async () => {
    const { code, stderr } = await cli(['--port', '0', '--control-port', '0', '--data-file', '/dev/null/db.json']);
    expect(code).toBe(1);
    expect(oneLine(stderr)).toEqual(['axys-mock: Cannot read the data file /dev/null/db.json (ENOTDIR). Make it a readable file (or move it away), or start with --data-file <other path> or --in-memory.']);
  });
});

describe('the request log', slow, () => {
  it('info: one line per request with method, path, status, decision, program, ms and fault; a refusal says what to change', async () => {
    // this one from source through tsx, as the README's quick start (`npm start`) runs it
    const mock = await spawnMock(['--in-memory', '--certs-dir', 'certs'], dir(), { fromSource: true });
    try {
      const certs = path.join(dir(), 'certs');
      const tls = ['--cacert', `${certs}/ca.pem`, '--cert', `${certs}/clients/1.pem`, '--key', `${certs}/clients/1-key.pem`];
      const curl = (...args: string[]) => promisify(execFile)('curl', ['-s', '-o', '/dev/null', ...tls, ...args]);
      await curl('-H', `X-API-Key: ${fixtureKeys.staging}`, '-H', 'X-Mock-Fault: 503', `${mock.apiUrl}/v2/cardholders/10001`);
      await curl('--interface', '127.0.0.9', '-H', `X-API-Key: ${fixtureKeys.staging}`, `${mock.apiUrl}/v2/cardholders`);
      await new Promise((r) => setTimeout(r, 300));
      const out = mock.output();
      expect(out).toMatch(/^GET \/v2\/cardholders\/10001 503 fault program=1 [\d.]+ms fault=header$/m);
      expect(out).toMatch(/^GET \/v2\/cardholders 403 ip_not_allowlisted program=1 [\d.]+ms\n {2}refused: 127\.0\.0\.9 is not in program 1's allowlist \(127\.0\.0\.1\/32, ::1\/128\): start the mock with ALLOW_CALLERS=127\.0\.0\.9 \(or the network's range, ALLOW_CALLERS=127\.0\.0\.0\/24\), or PUT \/_mock\/programs\/1\/allowlist$/m);
      expect(out).not.toMatch(/id=|from=/);
    } finally {
      mock.child.kill('SIGTERM');
    }
  });

  it('--log-format json at debug: one JSON object a line, with the request id, caller and FCrDNS hint', async () => {
    const mock = await spawnMock(['--in-memory', '--certs-dir', 'certs', '--log-format', 'json', '--log-level', 'debug', '--print-ready-json'], dir());
    try {
      const ready = JSON.parse(mock.output().split('\n').find((l) => l.includes('"apiUrl"'))!) as ReadyInfo;
      await fetch(`${ready.controlUrl}/_mock/dns`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ptr: {}, a: {} }),
      });
      const dispatcher = createDispatcher({ ca: await readFile(ready.ca, 'utf8'), cert: await readFile(ready.cert!, 'utf8'), key: await readFile(ready.key!, 'utf8') });
      await fetch(`${ready.apiUrl}/v2/cardholders`, { dispatcher, headers: { 'X-API-Key': ready.apiKey! } });
      // the line is written once the response has gone; on a busy machine give it a few seconds
      let request: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !request; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const lines = mock.output().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
        request = lines.find((l) => l.msg === 'request' && l.path === '/v2/cardholders');
      }
      expect(request).toMatchObject({ level: 'info', method: 'GET', status: 403, decision: 'fcrdns_failed', programId: 1, fault: null, remoteAddress: '127.0.0.1' });
      expect(request!.hint).toMatch(/^no PTR record for 127\.0\.0\.1 names one of the certificate's domains \(.+\): add "ptr": \{"127\.0\.0\.1": \[".+"\]\} and the A record with PUT \/_mock\/dns, or start the mock with ALLOW_CALLERS=127\.0\.0\.1$/);
      expect(request!.requestId).toEqual(expect.any(String));
      expect(request!.ms).toEqual(expect.any(Number));
    } finally {
      mock.child.kill('SIGTERM');
    }
  });
});

describe('the ready file', slow, () => {
  it('holds the URLs, ports, certificate paths and every fixture program key once the mock answers', async () => {
    const file = path.join(dir(), 'ready/mock.json');
    const mock = await spawnMock(['--in-memory', '--certs-dir', 'certs', '--ready-file', file], dir());
    try {
      const ready = JSON.parse(await readFile(file, 'utf8')) as ReadyInfo;
      expect(ready).toMatchObject({ version, apiUrl: mock.apiUrl, controlUrl: mock.controlUrl, programId: 1, apiKey: fixtureKeys.staging, ca: path.join(dir(), 'certs/ca.pem') });
      expect(ready.ports.api).toBe(Number(new URL(mock.apiUrl).port));
      expect(ready.programs.map((p) => [p.programId, p.environment, p.cert])).toEqual([
        [1, 'staging', path.join(dir(), 'certs/clients/1.pem')],
        [2, 'production', path.join(dir(), 'certs/clients/2.pem')],
        [3, 'staging', path.join(dir(), 'certs/clients/3.pem')],
      ]);
      expect(ready.programs.find((p) => p.programId === 2)!.apiKey).toBe(fixtureKeys.production);
      expect((await fetch(`${ready.controlUrl}/_mock/health`)).status).toBe(200);
    } finally {
      mock.child.kill('SIGTERM');
    }
  });
});

describe('axys-mock exec', slow, () => {
  it('exports AXYS_MOCK_* to the command, and exits with its exit code', async () => {
    const script = 'const e = process.env; console.log(JSON.stringify({ api: e.AXYS_MOCK_API_URL, key: e.AXYS_MOCK_API_KEY, ready: e.AXYS_MOCK_READY_FILE, cert: e.AXYS_MOCK_CERT })); process.exit(7)';
    const { code, stdout } = await cli(['exec', '--', process.execPath, '-e', script]);
    expect(code).toBe(7);
    const seen = JSON.parse(stdout) as { api: string; key: string; ready: string; cert: string };
    expect(seen.api).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(seen.key).toBe(fixtureKeys.staging);
    expect(seen.cert).toMatch(/clients\/1\.pem$/);
  });

  it('a Python (standard library) test reads the ready JSON and gets a 200 over mTLS', async () => {
    const { code, stderr } = await cli(['exec', '--', 'python3', '-m', 'unittest', '-v', 'test_axys_mock'], { PYTHONPATH: path.join(root, 'examples/python') });
    expect(stderr).toMatch(/test_lists_cardholders_over_mtls .* ok/);
    expect(stderr).toMatch(/Ran 3 tests[\s\S]*\nOK\n/);
    expect(code).toBe(0);
  });

  it.each([
    ['the .p12', {}, '.p12'],
    ['the PEM files', { AXYS_JAVA_PEM: '1' }, 'PEM'],
  ])('a Java test reads the ready JSON and gets a 200 over mTLS with %s', async (_name, env, shown) => {
    // its own certificates folder: the shared cache in the temp dir may hold .p12 files of an older version
    const { code, stdout, stderr } = await cli(['exec', '--certs-dir', path.join(dir(), `java-certs-${shown}`), '--', 'java', path.join(root, 'examples/java/AxysMockTest.java')], env);
    expect(`${stdout}${stderr}`).toContain(`java (${shown}): GET /v2/cardholders -> 200`);
    expect(code).toBe(0);
  });

  it('--min-coverage fails a passing command below the threshold and names what was never called', async () => {
    const { code, stderr } = await cli(['exec', '--min-coverage', '50', '--', 'python3', '-m', 'unittest', 'test_axys_mock'], { PYTHONPATH: path.join(root, 'examples/python') });
    expect(stderr).toMatch(/axys-mock exec: coverage: 1 of \d+ operations called \([\d.]+%\), 1 of \d+ error scenarios/);
    expect(stderr).toMatch(/is below --min-coverage 50; never called: createCardholder, getCardholder/);
    expect(code).toBe(1);
  });

  it('--min-coverage 0 passes the command through', async () => {
    const { code } = await cli(['exec', '--min-coverage', '0', '--', 'true']);
    expect(code).toBe(0);
  });
});

describe('start-up failures the CLI reports', slow, () => {
  it('a bad ALLOW_CALLERS entry is named with the forms it takes', async () => {
    const result = await runMockToExit(['--in-memory', '--allow-callers', '10.0.0.0/33'], dir());
    expect(result.code).toBe(1);
    expect(result.output).toContain('ALLOW_CALLERS entries must be IP addresses, CIDR ranges (172.18.0.0/16) or "gateway", got "10.0.0.0/33"');
  });
});
