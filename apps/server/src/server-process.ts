import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collectOutput, envWithoutSettings } from './test-support';

/**
 * Test support: the real server entry (`node --import tsx apps/server/src/main.ts`) as a child
 * process, with only the settings a test gives it, its output captured.
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN_ENTRY = 'apps/server/src/main.ts';
const START_TIMEOUT_MS = 15_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}
export interface LogLine {
  msg?: string;
  url?: string;
  signal?: string;
  [key: string]: unknown;
}
export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
  /** True until the process has exited. */
  alive(): boolean;
  /** SIGKILL unless already gone, then waits for the exit. */
  kill(): Promise<Exit>;
  /** SIGTERM (a graceful stop), SIGKILL after 5 s, then waits for the exit. */
  stop(): Promise<Exit>;
  /** The ends of stdout and stderr, for failure messages. */
  output(): string;
}
export interface RunningServerProcess extends ServerProcess {
  url: string;
  port: number;
}

/** Spawns the server entry on an ephemeral port; nothing awaited. */
export function spawnServer(env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN_ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: { ...envWithoutSettings(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  const { stdout, stderr } = collectOutput(child);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  return {
    child,
    stdout,
    stderr,
    exited,
    alive: () => exit === undefined,
    kill: () => {
      if (exit === undefined) child.kill('SIGKILL');
      return exited;
    },
    stop: async () => {
      if (exit !== undefined) return exit;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
    output: () => `stdout:\n${stdout().slice(-3000)}\nstderr:\n${stderr().slice(-3000)}`,
  };
}

/** The JSON log lines on stdout (plain-text lines, such as the `--demo` banner, are skipped). */
export function logLines(server: ServerProcess): LogLine[] {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** Polls the process's output until `find` returns a value, failing on exit or timeout. */
export async function waitFor<T>(
  server: ServerProcess,
  what: string,
  find: () => T | undefined,
  timeoutMs = START_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    const context = `\nstdout:\n${server.stdout()}\nstderr:\n${server.stderr()}`;
    if (!server.alive())
      throw new Error(`server exited (${JSON.stringify(await server.exited)}) before ${what}${context}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${context}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Spawns the server and waits for its `listening` log line to learn the URL. */
export async function startServerProcess(
  env: Record<string, string>,
  args: string[] = [],
): Promise<RunningServerProcess> {
  const server = spawnServer(env, args);
  try {
    const url = await waitFor(server, 'the "listening" log line', () => {
      const line = logLines(server).find((l) => l.msg === 'listening');
      return typeof line?.url === 'string' ? line.url : undefined;
    });
    return { ...server, url, port: Number(new URL(url).port) };
  } catch (error) {
    await server.kill();
    throw error;
  }
}
