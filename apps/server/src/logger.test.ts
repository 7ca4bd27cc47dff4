import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logDestination } from './logger';

interface LogRecord {
  level: number;
  service: string;
  msg: string;
  i?: number;
  dropped?: number;
}

/** A named pipe whose reader takes nothing until asked to: a log reader that stalls. */
function stalledPipe() {
  const dir = mkdtempSync(join(tmpdir(), 'znyx-log-'));
  const path = join(dir, 'log.fifo');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  let text = '';
  const chunk = Buffer.alloc(64 * 1024);
  /** Takes what the pipe holds now; the records read so far. */
  const drain = (): LogRecord[] => {
    for (;;) {
      try {
        const n = readSync(reader, chunk);
        if (n === 0) break;
        text += chunk.toString('utf8', 0, n);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw error;
      }
    }
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    return whole === ''
      ? []
      : whole
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as LogRecord);
  };
  return {
    writer,
    drain,
    /** Reads until `done` holds for the records read so far (2 s at most). */
    async readUntil(done: (records: LogRecord[]) => boolean): Promise<LogRecord[]> {
      let records = drain();
      for (let tries = 0; tries < 200 && !done(records); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        records = drain();
      }
      return records;
    },
    close() {
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Pipe = ReturnType<typeof stalledPipe>;

/** Ends the destination, reading the pipe until it has written everything and closed its end. */
async function finish(destination: ReturnType<typeof logDestination>, pipe: Pipe) {
  let closed = false;
  destination.once('close', () => {
    closed = true;
  });
  destination.end();
  await pipe.readUntil(() => closed);
  expect(closed).toBe(true);
}

describe('log destination', () => {
  let pipe: Pipe | undefined;
  afterEach(() => pipe?.close());

  it('keeps a bounded backlog while stdout is not read, and says how many lines it dropped', async () => {
    pipe = stalledPipe();
    const backlog = 256 * 1024;
    const destination = logDestination(pipe.writer, backlog);
    const logger = createLogger('info', destination);
    const line = { path: `/v1/orgs/${'x'.repeat(150)}` };
    // About 4 MiB of lines: the pipe takes 64 KiB, the backlog 256 KiB, the rest is dropped.
    const lines = 20_000;
    for (let i = 0; i < lines; i++) logger.info({ ...line, i }, 'request completed');
    // What waits for the pipe (sonic-boom's own count: it has no public one).
    expect((destination as unknown as { _len: number })._len).toBeLessThanOrEqual(backlog);

    // The reader catches up: every line it gets is whole, and a warning counts the others.
    const records = await pipe.readUntil((read) => read.some((r) => r.msg === 'log lines dropped'));
    const delivered = records.filter((r) => r.msg === 'request completed').length;
    const warning = records.find((r) => r.msg === 'log lines dropped');
    expect(warning).toMatchObject({ level: 40, service: 'znyx-datasets' });
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(lines);
    // Lines dropped while the warning itself waited are counted by a later warning.
    expect(warning?.dropped).toBeGreaterThan(0);
    expect(warning?.dropped).toBeLessThanOrEqual(lines - delivered);

    await finish(destination, pipe);
  });

  it('writes every line when the reader keeps up', async () => {
    pipe = stalledPipe();
    const destination = logDestination(pipe.writer, 256 * 1024);
    const logger = createLogger('info', destination);
    for (let i = 0; i < 100; i++) {
      logger.info({ i }, 'request completed');
      await new Promise((resolve) => setImmediate(resolve));
      pipe.drain();
    }
    const records = await pipe.readUntil((read) => read.length >= 100);
    expect(records.map((r) => r.i)).toEqual([...Array(100).keys()]);
    expect(records.some((r) => r.msg === 'log lines dropped')).toBe(false);

    await finish(destination, pipe);
  });
});
