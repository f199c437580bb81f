/** Counters of a {@link Messenger}, for monitoring and for tests that check bounds by counting. */
export interface MessengerStats {
  framesSent: number;
  framesReceived: number;
  /** Chunk frames sent by outgoing transfers, resends included. */
  chunksSent: number;
  /** Chunk frames sent again after a reconnect. */
  chunksResent: number;
  /** Chunks of incoming transfers handed to their sinks. */
  chunksStored: number;
  /** Most chunks of one outgoing transfer sent and not yet acknowledged at any moment. */
  peakChunksInFlight: number;
  /** Most chunks of one incoming transfer received and not yet stored by the sink at any moment. */
  peakChunksBuffered: number;
  /** Incoming transfers completed and verified. */
  transfersReceived: number;
  /** Outgoing transfers the peer confirmed. */
  transfersSent: number;
  /** Replies that arrived after their request had timed out or was abandoned. */
  lateReplies: number;
  /** Connections closed because the peer broke the protocol. */
  protocolViolations: number;
}

/** A zeroed set of counters. */
export function emptyStats(): MessengerStats {
  return {
    framesSent: 0,
    framesReceived: 0,
    chunksSent: 0,
    chunksResent: 0,
    chunksStored: 0,
    peakChunksInFlight: 0,
    peakChunksBuffered: 0,
    transfersReceived: 0,
    transfersSent: 0,
    lateReplies: 0,
    protocolViolations: 0,
  };
}
