import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { normalizeIp } from './ip.js';

export interface ConnectionLimits {
  /** open connections over both listeners */
  maxConnections: number;
  /** open connections from one address over both listeners */
  maxConnectionsPerIp: number;
  /** a connection (after its TLS handshake) that sends no request within this is closed */
  firstRequestTimeoutMs: number;
}

/** How long close() lets in-flight requests finish before it destroys what remains. */
export const SHUTDOWN_GRACE_MS = 1000;
/** At most one log line per cause in this window (a flood must not flood the log too). */
const LOG_EVERY_MS = 10_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Every connection of both listeners, from its first TCP byte to its close: caps per address and in
 * all (a connection past a cap is closed at once, with a log line), a first-request timeout for a
 * connection that finished its handshake and never asks anything (a bare TCP connection that never
 * starts TLS meets the TLS server's shorter handshake timeout first), and the shutdown: stop
 * accepting, answer in-flight requests with `Connection: close`, destroy what remains after a grace.
 */
export class ConnectionGuard {
  readonly #sockets = new Set<Socket>();
  readonly #perIp = new Map<string, number>();
  readonly #waiting = new WeakMap<Socket, NodeJS.Timeout>();
  readonly #responses = new Set<ServerResponse>();
  readonly #servers: Array<HttpServer | TlsServer> = [];
  readonly #lastLog = new Map<string, { at: number; refused: number }>();
  #closing = false;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly log: (line: string) => void,
  ) {}

  /** `tls`: the first-request clock starts once the handshake is done; `http`: at connect. */
  attach(server: HttpServer | TlsServer, kind: 'tls' | 'http'): void {
    this.#servers.push(server);
    server.on('connection', (socket: Socket) => this.#onConnection(socket, kind === 'http'));
    if (kind === 'tls') server.on('secureConnection', (socket: TLSSocket) => this.#awaitRequest(socket));
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#clearWait(req.socket);
      this.#responses.add(res);
      res.once('close', () => this.#responses.delete(res));
      if (this.#closing) res.setHeader('Connection', 'close');
    });
  }

  get open(): number {
    return this.#sockets.size;
  }

  #onConnection(socket: Socket, awaitRequest: boolean): void {
    if (this.#closing) return void socket.destroy();
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const fromIp = this.#perIp.get(ip) ?? 0;
    if (this.#sockets.size >= this.limits.maxConnections) {
      this.#refuse(socket, 'total', `connection from ${ip} refused: ${this.#sockets.size} connections are open, the most MAX_CONNECTIONS=${this.limits.maxConnections} allows`);
      return;
    }
    if (fromIp >= this.limits.maxConnectionsPerIp) {
      this.#refuse(socket, `ip:${ip}`, `connection from ${ip} refused: it has ${fromIp} open connections, the most MAX_CONNECTIONS_PER_IP=${this.limits.maxConnectionsPerIp} allows`);
      return;
    }
    this.#sockets.add(socket);
    this.#perIp.set(ip, fromIp + 1);
    socket.once('close', () => {
      this.#sockets.delete(socket);
      const left = (this.#perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.#perIp.set(ip, left);
      else this.#perIp.delete(ip);
    });
    if (awaitRequest) this.#awaitRequest(socket);
  }

  #refuse(socket: Socket, cause: string, line: string): void {
    socket.destroy();
    const now = Date.now();
    const last = this.#lastLog.get(cause);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.refused++;
      return;
    }
    const earlier = last?.refused ? ` (${last.refused} more refused since the last line)` : '';
    this.#lastLog.set(cause, { at: now, refused: 0 });
    this.log(`${line}${earlier}; raise it with --max-connections / --max-connections-per-ip if this is your own load`);
  }

  #awaitRequest(socket: Socket): void {
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), this.limits.firstRequestTimeoutMs).unref();
    this.#waiting.set(socket, timer);
    socket.once('close', () => this.#clearWait(socket));
  }

  #clearWait(socket: Socket): void {
    const timer = this.#waiting.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#waiting.delete(socket);
  }

  /**
   * Stops accepting, lets the requests in flight finish with `Connection: close` (idle keep-alive
   * connections close at once), and after `graceMs` destroys every connection left, those still in
   * their TLS handshake included. Resolves within about `graceMs` whatever the clients do.
   */
  async shutdown(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    this.#closing = true;
    const closed = this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const res of this.#responses) if (!res.headersSent) res.setHeader('Connection', 'close');
    for (const server of this.#servers) (server as HttpServer).closeIdleConnections?.();
    const all = Promise.all(closed);
    await Promise.race([all, delay(graceMs)]);
    for (const socket of this.#sockets) socket.destroy();
    for (const server of this.#servers) (server as HttpServer).closeAllConnections?.();
    await Promise.race([all, delay(500)]);
  }
}
