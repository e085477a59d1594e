import type { Socket } from 'node:net';

/**
 * Resets the connection (TCP RST), as a crashed proxy would. A TLS socket cannot reset itself
 * (ERR_INVALID_HANDLE_TYPE), so the TCP socket under it is reset; destroying the TLS socket as well
 * would trip Node's connection tracking, and the reset closes it anyway.
 */
export function resetConnection(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: Socket })._parent ?? socket;
  try {
    tcp.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
