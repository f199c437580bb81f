/** Topics the session layer itself uses on every connection, beside those of the protocol above it. */
export const SessionTopic = {
  /** Request from the dialling side at every heartbeat interval; an empty reply proves both ends alive. */
  HEARTBEAT: 'hearth.heartbeat',
  /** Request from the dialling side before it goes away for good, so the server does not wait out the grace period. */
  LEAVE: 'hearth.leave',
} as const;
