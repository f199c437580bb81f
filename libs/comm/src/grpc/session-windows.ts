import { EventEmitter } from 'node:events';
import type { ServerHttp2Session } from 'node:http2';
import type { Server } from '@grpc/grpc-js';

/** The HTTP/2 default receive window (RFC 9113), what a server session keeps unless told otherwise. */
export const DEFAULT_HTTP2_WINDOW_BYTES = 65_535;

/**
 * The HTTP/2 servers a bound grpc-js `Server` created. grpc-js applies `grpc-node.flow_control_window` to
 * client sessions only and keeps its servers in a private map, so this reads that map defensively: an
 * empty list when a grpc-js version keeps them elsewhere.
 */
function http2ServersOf(server: Server): EventEmitter[] {
  const servers = (server as unknown as { readonly http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) return [];
  return [...servers.keys()].filter((candidate): candidate is EventEmitter => candidate instanceof EventEmitter);
}

/**
 * Gives every HTTP/2 session the bound `server` accepts from now on a receive window of `windowBytes`,
 * for its streams (the INITIAL_WINDOW_SIZE setting) and for the connection as a whole. Without it a
 * client may send only 64 KiB before the server's event loop must answer with a WINDOW_UPDATE, which
 * throttles uploads to the server whenever that loop is busy or the machine is loaded. Returns false when
 * no HTTP/2 server could be reached (the windows stay at the HTTP/2 default).
 */
export function sizeSessionWindows(server: Server, windowBytes: number): boolean {
  const servers = http2ServersOf(server);
  for (const http2Server of servers) {
    http2Server.on('session', (session: ServerHttp2Session) => {
      if (session.destroyed) return;
      session.settings({ initialWindowSize: windowBytes });
      session.setLocalWindowSize(windowBytes);
    });
  }
  return servers.length > 0;
}
