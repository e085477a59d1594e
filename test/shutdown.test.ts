import { readFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startMock } from '../src/mock.js';
import { fixtureKeys } from './helpers/data.js';
import { spawnMock } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

/**
 * close() and SIGTERM must finish within this, whatever the clients do. The design is about 1.5 s
 * (a 1 s grace, then everything is destroyed); the margin is for a loaded machine. Without the fix
 * neither finishes: the trickling handshake alone holds them for the 120 s handshake timeout.
 */
const LIMIT_MS = 5000;

interface Tls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * The clients of issue 15 item 10: keep-alive clients that send request after request without a
 * pause, and a client that is in the middle of its TLS handshake at the signal and keeps sending
 * (a ClientHello record announced long, trickled a byte at a time). Returns what they saw.
 */
function hostileClients(apiUrl: string, tls: Tls) {
  const url = new URL(apiUrl);
  let stop = false;
  const afterSignal = { answers: 0, withClose: 0 };
  let signalled = false;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ...tls });
  const hammer = async () => {
    while (!stop) {
      await new Promise<void>((resolve) => {
        const req = https.request({ host: url.hostname, port: url.port, path: '/v2/cardholders?limit=1', agent, headers: { 'X-API-Key': fixtureKeys.staging } }, (res) => {
          if (signalled) {
            afterSignal.answers++;
            if (res.headers.connection === 'close') afterSignal.withClose++;
          }
          res.resume();
          res.on('end', resolve);
          res.on('error', () => resolve());
        });
        req.on('error', () => setTimeout(resolve, 20));
        req.end();
      });
    }
  };
  const hammers = Array.from({ length: 4 }, hammer);
  const trickle = net.connect(Number(url.port), url.hostname);
  trickle.on('error', () => undefined);
  let trickleTimer: NodeJS.Timeout | undefined;
  trickle.on('connect', () => {
    // a TLS handshake record header announcing 16,000 bytes, then one byte every 20 ms
    trickle.write(Buffer.from([0x16, 0x03, 0x01, 0x3e, 0x80]));
    trickleTimer = setInterval(() => trickle.writable && trickle.write(Buffer.from([0x01])), 20);
  });
  return {
    signal: () => (signalled = true),
    afterSignal,
    trickleClosed: () => trickle.destroyed || trickle.closed,
    stop: async () => {
      stop = true;
      clearInterval(trickleTimer);
      trickle.destroy();
      await Promise.all(hammers);
      agent.destroy();
    },
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('issue 15 item 10: shutting down finishes within a few seconds whatever the clients do', () => {
  it('startMock().close() with keep-alive clients hammering and a client trickling its handshake', async () => {
    const mock = await startMock({});
    const clients = hostileClients(mock.apiUrl, mock.tls);
    try {
      await settle(500);
      const started = Date.now();
      const closing = mock.close();
      // answers written before close() may still be on their way: count from a little later
      setTimeout(clients.signal, 100);
      const closed = await Promise.race([closing.then(() => true), settle(10_000).then(() => false)]);
      const took = Date.now() - started;
      expect(closed, 'close() resolved').toBe(true);
      expect(took).toBeLessThan(LIMIT_MS);
      // the server dropped the trickling handshake: its close reaches the client right after
      await vi.waitFor(() => expect(clients.trickleClosed()).toBe(true), { timeout: 1000, interval: 20 });
      // whatever was answered after the signal told the client the connection ends
      expect(clients.afterSignal.withClose).toBe(clients.afterSignal.answers);
    } finally {
      await clients.stop();
    }
  }, 30_000);

  describe('the CLI', () => {
    const dir = useTempDir('axys-shutdown-');

    it('SIGTERM with the same clients: the process exits 0 within the limit', async () => {
      const mock = await spawnMock(['--in-memory', '--certs-dir', 'certs'], dir());
      const [ca, cert, key] = await Promise.all(['ca.pem', 'clients/1.pem', 'clients/1-key.pem'].map((f) => readFile(path.join(dir(), 'certs', f), 'utf8')));
      const clients = hostileClients(mock.apiUrl, { ca: ca!, cert: cert!, key: key! });
      try {
        await settle(500);
        clients.signal();
        const started = Date.now();
        const exited = new Promise<number | null>((resolve) => mock.child.once('exit', (code) => resolve(code)));
        mock.child.kill('SIGTERM');
        const code = await Promise.race([exited, settle(3 * LIMIT_MS).then(() => 'still running' as const)]);
        expect(code, mock.output().split('\n').slice(-15).join('\n')).toBe(0);
        // measured by the process itself (the exit event also waits for this busy test process)
        const stopped = /stopped in (\d+) ms/.exec(mock.output());
        expect(stopped, mock.output().split('\n').filter((l) => !l.startsWith('GET')).slice(-4).join('\n')).not.toBeNull();
        expect(Number(stopped![1])).toBeLessThan(LIMIT_MS);
        expect(Date.now() - started).toBeLessThan(2 * LIMIT_MS);
      } finally {
        mock.child.kill('SIGKILL');
        await clients.stop();
      }
    }, 40_000);
  });
});
