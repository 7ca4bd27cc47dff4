import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Request logs carry method, path and ids only: never headers, so a
 * credential can never reach a log line.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'znyx-datasets' } }, destination);
}
