import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { useMock } from './helpers/mock.js';

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
