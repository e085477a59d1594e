import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startMock } from '../src/mock.js';
import { apiClient } from './helpers/client.js';
import { useMock } from './helpers/mock.js';
import { spawnMock } from './helpers/process.js';
import { useTempDir } from './helpers/temp-dir.js';

const mock = useMock();

interface Outcome {
  head: string;
  sent: number;
  closedByServer: boolean;
}

/**
 * Opens an mTLS connection as the fixture program, sends `head` announcing a body of `announced`
 * bytes, then streams zeros until the server closes the connection or `cap` bytes are out.
 */
function sendHugeBody(head: string, cap: number): Promise<Outcome> {
  const m = mock();
  const url = new URL(m.apiUrl);
  const client = m.certs.clients.get(1)!;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: m.certs.ca.certPem, cert: client.certPem, key: client.keyPem, servername: 'localhost' });
    let received = '';
    let sent = 0;
    let done = false;
    const chunk = Buffer.alloc(64 * 1024);
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ head: received.split('\r\n\r\n')[0] ?? '', sent, closedByServer });
    };
    const pump = () => {
      while (!done && sent < cap) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      // the cap reached: the server was still reading; give it a moment to answer, then stop
      if (!done) setTimeout(() => finish(false), 1000);
    };
    socket.on('secureConnect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (e) => (received ? finish(true) : reject(e)));
  });
}

describe('a refused request is answered without reading its body', () => {
  it('a 1 GB body with a wrong API key: 401 with Connection: close, the socket closed long before the body is read', async () => {
    const head = ['POST /v2/cardholders HTTP/1.1', 'Host: localhost', 'X-API-Key: wrong-key', 'Content-Type: application/json', `Content-Length: ${2 ** 30}`, '', ''].join('\r\n');
    const cap = 128 * 1024 * 1024;
    const outcome = await sendHugeBody(head, cap);
    expect(outcome.head).toMatch(/^HTTP\/1\.1 401/);
    expect(outcome.head).toMatch(/\r\nconnection: close/i);
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.sent).toBeLessThan(cap);
  }, 60_000);
});

describe('issue 12 item 15, issue 15 item 8: idle and bare connections time out, connections are capped', () => {
  const limited = startMock({ firstRequestTimeoutMs: 400, handshakeTimeoutMs: 300, maxConnections: 5, maxConnectionsPerIp: 3, logLevel: 'info' });
  afterAll(async () => (await limited).close());

  /** Resolves with how long the server took to close `socket` (or `null` when it was still open after `waitMs`). */
  const closedWithin = (socket: net.Socket | tls.TLSSocket, waitMs: number) =>
    new Promise<number | null>((resolve) => {
      const started = Date.now();
      const timer = setTimeout(() => resolve(null), waitMs);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
    });

  const portOf = (url: string) => Number(new URL(url).port);

  it('a TLS connection that finished its handshake and sends no request is closed after the first-request timeout', async () => {
    const m = await limited;
    const client = m.certs.clients.get(1)!;
    const socket = tls.connect({ host: '127.0.0.1', port: portOf(m.apiUrl), ca: m.certs.ca.certPem, cert: client.certPem, key: client.keyPem, servername: 'localhost' });
    await once(socket, 'secureConnect');
    const ms = await closedWithin(socket, 5000);
    expect(ms).not.toBeNull();
    expect(ms!).toBeGreaterThanOrEqual(300);
  });

  it('a bare TCP connection that never starts TLS is closed after the (shorter) handshake timeout', async () => {
    const m = await limited;
    const socket = net.connect(portOf(m.apiUrl), '127.0.0.1');
    await once(socket, 'connect');
    expect(await closedWithin(socket, 5000)).not.toBeNull();
  });

  it('a control-plane connection that sends no request is closed after the first-request timeout', async () => {
    const m = await limited;
    const socket = net.connect(portOf(m.controlUrl), '127.0.0.1');
    await once(socket, 'connect');
    expect(await closedWithin(socket, 5000)).not.toBeNull();
  });

  it('a keep-alive connection that asked once is not cut by the first-request timeout', async () => {
    const m = await limited;
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ...m.tls });
    try {
      const first = await apiClient(m, { agent }).get('/v2/cardholders');
      await new Promise((r) => setTimeout(r, 700));
      const second = await apiClient(m, { agent }).get('/v2/cardholders');
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.headers.connection).toBe('keep-alive');
    } finally {
      agent.destroy();
    }
  });

  it('past MAX_CONNECTIONS_PER_IP and MAX_CONNECTIONS a new connection is closed at once, with a log line naming the setting', async () => {
    const m = await limited;
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const open: net.Socket[] = [];
    const connect = async (localAddress: string) => {
      const socket = net.connect({ port: portOf(m.controlUrl), host: '127.0.0.1', localAddress });
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      open.push(socket);
      return socket;
    };
    try {
      for (let i = 0; i < 3; i++) await connect('127.0.0.1');
      // the fourth from the same address: closed at once, long before any timeout
      expect(await closedWithin(await connect('127.0.0.1'), 250)).not.toBeNull();
      await connect('127.0.0.2');
      await connect('127.0.0.2');
      // five open in all: the sixth, from an address with room, is closed too
      expect(await closedWithin(await connect('127.0.0.2'), 250)).not.toBeNull();
      const log = lines.join('');
      expect(log).toMatch(/connection from 127\.0\.0\.1 refused: it has 3 open connections, the most MAX_CONNECTIONS_PER_IP=3 allows/);
      expect(log).toMatch(/connection from 127\.0\.0\.2 refused: 5 connections are open, the most MAX_CONNECTIONS=5 allows/);
    } finally {
      write.mockRestore();
      for (const s of open) s.destroy();
    }
  });
});

describe('issue 15 item 8: a flood of connections never takes the descriptors a store write needs', () => {
  const dir = useTempDir('axys-descriptors-');

  it('under ulimit -n 300, 400 bare connections are capped and a reset (a new snapshot: two new files) on an open connection answers 200', async () => {
    const mock = await spawnMock(['--data-file', 'data/db.json', '--certs-dir', 'certs', '--handshake-timeout-ms', '60000', '--first-request-timeout-ms', '60000'], dir(), { openFiles: 300 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const flood: net.Socket[] = [];
    const control = (method: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(path, mock.controlUrl);
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method, agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(method === 'GET' ? undefined : '{}');
      });
    try {
      expect(mock.output()).toMatch(/MAX_CONNECTIONS 2048 lowered to 172: the process may open 300 files/);
      expect(await control('GET', '/_mock/health')).toBe(200);
      const api = Number(new URL(mock.apiUrl).port);
      await Promise.all(
        Array.from({ length: 400 }, async () => {
          const socket = net.connect({ port: api, host: '127.0.0.1', localAddress: '127.0.0.2' });
          socket.on('error', () => undefined);
          flood.push(socket);
          await once(socket, 'connect').catch(() => undefined);
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(await control('POST', '/_mock/reset')).toBe(200);
      expect(mock.output()).toMatch(/refused: 172 connections are open, the most MAX_CONNECTIONS=172 allows/);
    } finally {
      for (const s of flood) s.destroy();
      agent.destroy();
      mock.child.kill('SIGKILL');
    }
  }, 60_000);
});
