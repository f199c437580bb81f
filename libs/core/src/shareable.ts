import type { Dxo } from './dxo.js';
import type { JsonObject, JsonValue } from './json.js';

/** Result codes carried in a Shareable's `rc` header. Names follow NVFlare's ReturnCode. */
export const ReturnCode = {
  OK: 'OK',
  BAD_PEER_CONTEXT: 'BAD_PEER_CONTEXT',
  BAD_REQUEST_DATA: 'BAD_REQUEST_DATA',
  BAD_TASK_DATA: 'BAD_TASK_DATA',
  COMMUNICATION_ERROR: 'COMMUNICATION_ERROR',
  ERROR: 'ERROR',
  EXECUTION_EXCEPTION: 'EXECUTION_EXCEPTION',
  EXECUTION_RESULT_ERROR: 'EXECUTION_RESULT_ERROR',
  HANDLER_EXCEPTION: 'HANDLER_EXCEPTION',
  MISSING_PEER_CONTEXT: 'MISSING_PEER_CONTEXT',
  RUN_MISMATCH: 'RUN_MISMATCH',
  TASK_ABORTED: 'TASK_ABORTED',
  TASK_DATA_FILTER_ERROR: 'TASK_DATA_FILTER_ERROR',
  TASK_RESULT_FILTER_ERROR: 'TASK_RESULT_FILTER_ERROR',
  TASK_UNKNOWN: 'TASK_UNKNOWN',
  TASK_UNSUPPORTED: 'TASK_UNSUPPORTED',
  TIMEOUT: 'TIMEOUT',
  TOPIC_UNKNOWN: 'TOPIC_UNKNOWN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  UNAUTHORIZED: 'UNAUTHORIZED',
  UNSAFE_JOB: 'UNSAFE_JOB',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  EARLY_TERMINATION: 'EARLY_TERMINATION',
  NOT_READY: 'NOT_READY',
} as const;

/** One of {@link ReturnCode}. */
export type ReturnCodeValue = (typeof ReturnCode)[keyof typeof ReturnCode];

/** Header names the runtime reserves. Job code may add headers of its own under other names. */
export const HeaderKey = {
  TASK_NAME: 'task_name',
  TASK_ID: 'task_id',
  WORKFLOW: 'workflow',
  RETURN_CODE: 'rc',
  CURRENT_ROUND: 'current_round',
  NUM_ROUNDS: 'num_rounds',
  COOKIE_JAR: 'cookie_jar',
  PEER_PROPS: 'peer_props',
  REPLY_IS_LATE: 'reply_is_late',
  ERROR_MESSAGE: 'error_message',
  JOB_ID: 'job_id',
  SITE_NAME: 'site_name',
} as const;

/** Options for building a {@link Shareable}. */
export interface ShareableInit {
  /** Headers (JSON values). @default {} */
  readonly headers?: JsonObject;
  /** The payload. A Shareable without a DXO carries only headers (a reply code, an ack). */
  readonly dxo?: Dxo;
}

/**
 * The envelope every task and result travels in: headers (task name and id, round, return code,
 * cookies, peer context) plus at most one {@link Dxo}. Encoded by @hearth/codec.
 */
export class Shareable {
  readonly headers: Record<string, JsonValue>;
  dxo: Dxo | undefined;

  constructor(init: ShareableInit = {}) {
    this.headers = { ...(init.headers ?? {}) };
    this.dxo = init.dxo;
  }

  /** A Shareable carrying only a return code, e.g. to report an error or a rejection. */
  static withReturnCode(rc: ReturnCodeValue, message?: string): Shareable {
    const s = new Shareable({ headers: { [HeaderKey.RETURN_CODE]: rc } });
    if (message !== undefined) s.headers[HeaderKey.ERROR_MESSAGE] = message;
    return s;
  }

  /** A Shareable carrying `dxo` with return code OK. */
  static fromDxo(dxo: Dxo, headers: JsonObject = {}): Shareable {
    return new Shareable({ headers: { [HeaderKey.RETURN_CODE]: ReturnCode.OK, ...headers }, dxo });
  }

  /** The return code; a Shareable without one counts as OK. */
  get returnCode(): string {
    const rc = this.headers[HeaderKey.RETURN_CODE];
    return typeof rc === 'string' ? rc : ReturnCode.OK;
  }

  set returnCode(rc: ReturnCodeValue) {
    this.headers[HeaderKey.RETURN_CODE] = rc;
  }

  /** A string header, or undefined. */
  stringHeader(key: string): string | undefined {
    const v = this.headers[key];
    return typeof v === 'string' ? v : undefined;
  }

  /** A numeric header, or undefined. */
  numberHeader(key: string): number | undefined {
    const v = this.headers[key];
    return typeof v === 'number' ? v : undefined;
  }

  /** Sets a cookie that the peer echoes back with its reply (controllers use it to match results). */
  setCookie(name: string, value: JsonValue): void {
    const jar = this.headers[HeaderKey.COOKIE_JAR];
    const current = typeof jar === 'object' && jar !== null && !Array.isArray(jar) ? (jar as JsonObject) : {};
    this.headers[HeaderKey.COOKIE_JAR] = { ...current, [name]: value };
  }

  /** The cookie jar, copied from a task to its reply. */
  get cookieJar(): JsonObject {
    const jar = this.headers[HeaderKey.COOKIE_JAR];
    return typeof jar === 'object' && jar !== null && !Array.isArray(jar) ? (jar as JsonObject) : {};
  }

  /** A shallow copy: new headers object, same DXO. */
  copy(): Shareable {
    return new Shareable({ headers: this.headers, dxo: this.dxo });
  }
}
