import { Server, ServerCredentials } from '@grpc/grpc-js';
import { connect } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { until } from '../testing/recording-sink.js';
import { DEFAULT_HTTP2_WINDOW_BYTES, sizeSessionWindows } from './session-windows.js';

const WINDOW_BYTES = 8 * 1024 * 1024;

async function bind(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error === null ? resolve(port) : reject(error)));
  });
}

/** A client session to the server at `port`, once the server's first SETTINGS arrived. */
async function dial(port: number): Promise<ClientHttp2Session> {
  const session = connect(`http://127.0.0.1:${port}`);
  sessions.push(session);
  await new Promise((resolve) => session.once('remoteSettings', resolve));
  return session;
}

const sessions: ClientHttp2Session[] = [];
const servers: Server[] = [];

afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy();
  for (const server of servers.splice(0)) server.forceShutdown();
});

describe('sizeSessionWindows', () => {
  it('gives every accepted session the window for its streams and for the connection', async () => {
    const server = new Server();
    servers.push(server);
    const port = await bind(server);
    expect(sizeSessionWindows(server, WINDOW_BYTES)).toBe(true);
    const session = await dial(port);
    await until(() => session.remoteSettings.initialWindowSize === WINDOW_BYTES && session.state.remoteWindowSize === WINDOW_BYTES);
    expect(session.remoteSettings.initialWindowSize).toBe(WINDOW_BYTES);
  });

  it('is needed: without it a grpc-js server grants the HTTP/2 default of 64 KiB', async () => {
    const server = new Server({ 'grpc-node.flow_control_window': WINDOW_BYTES });
    servers.push(server);
    const port = await bind(server);
    const session = await dial(port);
    expect(session.remoteSettings.initialWindowSize).toBe(DEFAULT_HTTP2_WINDOW_BYTES);
    expect(session.state.remoteWindowSize).toBe(DEFAULT_HTTP2_WINDOW_BYTES);
  });
});
