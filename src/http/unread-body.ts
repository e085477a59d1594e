import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether the request announces a body (the same test body parsers use). */
function announcesBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * An answer sent while the request's body is still arriving (a refusal before the body was read:
 * a wrong API key, a gateway 403, a 413, a fault) says `Connection: close`. Node then ends and
 * destroys the socket once the answer is out, instead of reading the rest of the body to keep the
 * connection alive: a 1 GB upload with a wrong key costs what its headers cost.
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || !announcesBody(req) || res.headersSent) return;
  res.setHeader('Connection', 'close');
}
