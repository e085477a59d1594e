// Runs examples/fetch-with-client-cert.mjs against an embedded mock, with the certificates it wrote.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMock, type RunningMock } from 'axys-mock';

const script = fileURLToPath(new URL('./fetch-with-client-cert.mjs', import.meta.url));
let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.close());

it('prints the first cardholders of program 1', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [script], {
    env: { ...process.env, AXYS_API_URL: mock.apiUrl, AXYS_CERTS_DIR: mock.certs.dir },
  });
  expect(stdout).toMatch(/^GET \/v2\/cardholders -> 200 \(X-Request-Id req_/);
  expect(stdout).toContain('10001  ');
});
