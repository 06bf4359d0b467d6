/**
 * `src/index.ts` in its own process, as `pnpm start` runs it: for tests of what only a real process shows
 * (its exit code, what it prints, a kill in the middle of a request, a signal).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServeProcess {
  child: ChildProcess;
  /** stdout lines (pino JSON) and stderr chunks, prefixed `stderr: `. */
  lines: string[];
  stderr(): string;
  /** The exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string>;
  /** The first log line whose msg starts with `msg`, once it is there (or the process ended: null). */
  logged(msg: string, timeoutMs?: number): Promise<{ msg: string; url?: string } | null>;
  /** SIGKILL, if it still runs, and its end. */
  kill(): Promise<void>;
}

export function startServeProcess(env: Record<string, string>, args: string[] = []): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts', ...args], {
    cwd: serverDir,
    // INIT_CWD would move a relative PERCH_DATA_DIR; the tests give absolute ones.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    lines.push(`stderr: ${chunk.toString()}`);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  let ended = false;
  void exited.then(() => (ended = true));

  const find = (msg: string) =>
    lines
      .map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg?: string; url?: string }) : {}))
      .find((l) => l.msg?.startsWith(msg)) as { msg: string; url?: string } | undefined;

  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async logged(msg, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = find(msg);
        if (line) return line;
        if (ended) return null;
        if (Date.now() > deadline)
          throw new Error(`no "${msg}" after ${timeoutMs} ms:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
