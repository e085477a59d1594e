import type { Server } from 'node:tls';
import type { Clock } from '../clock.js';
import { normalizeIp } from '../net/ip.js';
import { nextId } from '../http/request-id.js';
import { classifyTlsRefusal } from '../tls/index.js';
import type { Journal } from './journal.js';

/** Refused handshakes never reach HTTP: the journal records them from the TLS server, with their reason. */
export function journalTlsRefusals(server: Server, journal: Journal, clock: Clock): void {
  server.on('tlsClientError', (err, socket) => {
    const reason = classifyTlsRefusal(err, socket);
    journal.record({
      id: nextId('tls'),
      time: clock.nowMs(),
      method: null,
      path: null,
      status: null,
      decision: 'tls_refused',
      programId: null,
      remoteAddress: socket.remoteAddress ? normalizeIp(socket.remoteAddress) : null,
      durationMs: null,
      fault: null,
      reason,
      operation: null,
      query: null,
      chain: [{ step: 'tls', outcome: 'fail', detail: reason }],
      timings: { gatewayMs: null, totalMs: null },
      truncated: false,
      request: null,
      response: null,
    });
  });
}
