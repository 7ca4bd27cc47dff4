import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logDestination } from './logger';

/** A named pipe whose reader takes nothing until asked to: a log reader that stalls. */
function stalledPipe() {
  const dir = mkdtempSync(join(tmpdir(), 'znyx-log-'));
  const path = join(dir, 'log.fifo');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  let text = '';
  const chunk = Buffer.alloc(64 * 1024);
  return {
    writer,
    /** Takes what the pipe holds now. */
    drain() {
      for (;;) {
        try {
          const n = readSync(reader, chunk);
          if (n === 0) return text;
          text += chunk.toString('utf8', 0, n);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return text;
          throw error;
        }
      }
    },
    close() {
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('log destination', () => {
  let pipe: ReturnType<typeof stalledPipe> | undefined;
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
    const waiting = (destination as unknown as { _len: number })._len;
    expect(waiting).toBeLessThanOrEqual(backlog);

    // The reader catches up: every line it gets is whole, and a warning counts the others.
    let text = '';
    for (let tries = 0; tries < 200 && !text.includes('log lines dropped'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      text = pipe.drain();
    }
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; dropped?: number });
    const delivered = records.filter((r) => r.msg === 'request completed').length;
    const warning = records.find((r) => r.msg === 'log lines dropped');
    expect(warning).toMatchObject({ level: 40, service: 'znyx-datasets' });
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(lines);
    // Lines dropped while the warning itself waited are counted by a later warning.
    expect(warning?.dropped).toBeGreaterThan(0);
    expect(warning?.dropped).toBeLessThanOrEqual(lines - delivered);

    (destination as unknown as { end(): void }).end();
  });

  it('writes every line when the reader keeps up', async () => {
    pipe = stalledPipe();
    const destination = logDestination(pipe.writer, 256 * 1024);
    const logger = createLogger('info', destination);
    let text = '';
    for (let i = 0; i < 100; i++) {
      logger.info({ i }, 'request completed');
      await new Promise((resolve) => setImmediate(resolve));
      text = pipe.drain();
    }
    for (let tries = 0; tries < 100 && text.split('\n').length <= 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      text = pipe.drain();
    }
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; i?: number });
    expect(records.map((r) => r.i)).toEqual([...Array(100).keys()]);
    expect(records.some((r) => r.msg === 'log lines dropped')).toBe(false);
    (destination as unknown as { end(): void }).end();
  });
});
