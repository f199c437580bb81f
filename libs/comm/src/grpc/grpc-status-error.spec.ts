import { status } from '@grpc/grpc-js';
import { CommErrorCode, commError } from '../errors.js';
import { grpcStatusError, statusForError } from './grpc-status-error.js';

const address = '10.0.0.5:8002';

describe('grpcStatusError', () => {
  it('maps a missing client certificate (UNAVAILABLE "certificate required") to AUTH_FAILED', () => {
    const details = 'No connection established. Last error: ssl3_read_bytes:tlsv13 alert certificate required';
    const error = grpcStatusError({ code: status.UNAVAILABLE, details }, { address, phase: 'connect' });
    expect(error.code).toBe(CommErrorCode.AUTH_FAILED);
    expect(error.message).toMatch(/^grpc: cannot connect to 10\.0\.0\.5:8002: the server requires a client certificate and none was presented/);
  });

  it('maps an unreachable server to CONNECT_FAILED', () => {
    const error = grpcStatusError({ code: status.UNAVAILABLE, details: 'connect ECONNREFUSED 10.0.0.5:8002' }, { address, phase: 'connect' });
    expect(error.code).toBe(CommErrorCode.CONNECT_FAILED);
    expect(error.message).toContain('nothing is listening there');
  });

  it.each([
    [status.CANCELLED, 'Cancelled on client', CommErrorCode.CONNECTION_CLOSED, 'the peer cancelled the stream'],
    [status.UNAVAILABLE, 'Connection dropped', CommErrorCode.CONNECTION_CLOSED, 'the connection was lost'],
    [status.UNAVAILABLE, 'keepalive watchdog timeout', CommErrorCode.HEARTBEAT_TIMEOUT, 'stopped answering keepalive pings'],
    [status.RESOURCE_EXHAUSTED, 'Received message larger than max (5242885 vs 4194304)', CommErrorCode.FRAME_TOO_LARGE, 'exceeded the maximum message size'],
    [status.INTERNAL, 'Error deserializing request', CommErrorCode.PROTOCOL_VIOLATION, 'not a valid frame'],
    [status.UNAUTHENTICATED, 'no CN', CommErrorCode.AUTH_FAILED, 'refused this identity'],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded', CommErrorCode.TIMEOUT, 'deadline'],
    [status.UNIMPLEMENTED, 'unknown service', CommErrorCode.CONNECT_FAILED, 'does not serve hearth.comm.v1.FrameStream'],
    [status.DATA_LOSS, 'boom', CommErrorCode.TRANSPORT, 'the stream failed'],
  ])('maps status %i (%s) on an open stream to %s', (code, details, expected, meaning) => {
    const error = grpcStatusError({ code, details }, { address, phase: 'stream' });
    expect(error.code).toBe(expected);
    expect(error.message).toContain(meaning);
    expect(error.message).toContain(details);
    expect(error.context['grpcStatus']).toBe(Object.entries(status).find(([, value]) => value === code)?.[0]);
  });

  it('keeps the Hearth code a peer closed with, both ways', () => {
    const sent = statusForError(commError(CommErrorCode.PROTOCOL_VIOLATION, 'bad frame'));
    expect(sent).toEqual({ code: status.INVALID_ARGUMENT, details: 'HEARTH_ERR_COMM_PROTOCOL_VIOLATION: bad frame' });
    const received = grpcStatusError(sent, { address, phase: 'stream' });
    expect(received.code).toBe(CommErrorCode.PROTOCOL_VIOLATION);
    expect(received.message).toBe('grpc: peer 10.0.0.5:8002 closed the connection: bad frame');
    expect(statusForError(commError(CommErrorCode.HEARTBEAT_TIMEOUT, 'x')).code).toBe(status.UNAVAILABLE);
    expect(statusForError(commError(CommErrorCode.ABORTED, 'x')).code).toBe(status.ABORTED);
  });
});
