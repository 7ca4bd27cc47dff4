import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

const SERVICE = 'znyx-datasets';

/** No log line is longer; a longer one is replaced by a short line saying so. */
export const MAX_LOG_LINE_BYTES = 8 * 1024;

/**
 * At most this much of the log waits for stdout to take it. Lines beyond are dropped and counted,
 * and a warning says how many once stdout takes lines again: a log reader that stalls costs log
 * lines, not the server's memory (unbounded, every request's line piled up in the heap).
 */
export const MAX_LOG_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * Structured JSON logs. Request logs carry method, path and ids only: never headers, so a
 * credential can never reach a log line; errors are logged as `safeError` describes them.
 */
export function createLogger(
  level: string,
  destination: DestinationStream = logDestination(process.stdout.fd),
): Logger {
  return pino(
    {
      level,
      base: { service: SERVICE },
      serializers: { err: safeError },
      hooks: { streamWrite: capLine },
    },
    destination,
  );
}

/**
 * pino's asynchronous writer on `fd`, its backlog bounded by `maxBacklogBytes`. A dropped line is
 * counted; after the next write that went through, one warning line gives the count.
 */
export function logDestination(
  fd: number,
  maxBacklogBytes = MAX_LOG_BACKLOG_BYTES,
): ReturnType<typeof pino.destination> {
  const stream = pino.destination({ dest: fd, sync: false, maxLength: maxBacklogBytes });
  let dropped = 0;
  stream.on('drop', () => {
    dropped += 1;
  });
  stream.on('write', () => {
    if (dropped === 0) return;
    const line = { level: 40, time: Date.now(), service: SERVICE, msg: 'log lines dropped', dropped };
    dropped = 0;
    stream.write(`${JSON.stringify(line)}\n`);
  });
  return stream;
}

function capLine(line: string): string {
  if (line.length <= MAX_LOG_LINE_BYTES / 3 || Buffer.byteLength(line) <= MAX_LOG_LINE_BYTES) return line;
  const level = /"level":(\d+)/.exec(line)?.[1] ?? '40';
  return `${JSON.stringify({ level: Number(level), time: Date.now(), msg: 'log line over 8 KiB dropped', bytes: Buffer.byteLength(line) })}\n`;
}

/** What a log line may say about an error. */
export interface SafeError {
  type: string;
  code?: string | number;
  /** The store method that failed, for store errors. */
  operation?: string;
  /** Function names of the innermost stack frames (innermost error only): where, without file paths. */
  frames?: string[];
  cause?: SafeError;
}

/**
 * An error as a log line may carry it: its class, its code and the failed operation, and the
 * names of the functions it came through; never its message, values or file paths, which can
 * hold SQL, a query's parameters or the user's content.
 */
export function safeError(error: unknown, depth = 0): SafeError {
  if (error === null || typeof error !== 'object') return { type: typeof error };
  const { name, code, operation, stack, cause } = error as Record<string, unknown>;
  const safe: SafeError = { type: typeof name === 'string' ? name.slice(0, 64) : 'Object' };
  if ((typeof code === 'string' && code.length <= 64) || typeof code === 'number') safe.code = code;
  if (typeof operation === 'string') safe.operation = operation.slice(0, 64);
  if (cause !== undefined && depth < 3) {
    safe.cause = safeError(cause, depth + 1);
    return safe;
  }
  // The innermost error says where it was thrown; its wrappers would only repeat it.
  const frames = typeof stack === 'string' ? functionNames(stack) : [];
  if (frames.length > 0) safe.frames = frames;
  return safe;
}

const FRAME = /^\s+at (?:async )?([\w$.<>[\] ]{1,80}?) \(/;

function functionNames(stack: string): string[] {
  return stack
    .split('\n')
    .map((line) => FRAME.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .slice(0, 6);
}
