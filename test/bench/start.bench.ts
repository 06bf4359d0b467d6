/**
 * Cold (new data folder: initdb, key generation, migrations) and warm start of `pnpm start` with the embedded
 * database: from spawning the command to GET /healthz answering.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.env.RUNS ?? 3);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('pnpm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), PERCH_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error('server did not start within 60 s');
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok)
          return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-start-'));
  cold.push(await timeStart(dataDir));
  warm.push(await timeStart(dataDir));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
const summary = (xs: number[]) => ({
  medianMs: Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!),
  runsMs: xs.map(Math.round),
});
console.log(
  JSON.stringify({
    bench: '`pnpm start`, spawn → /healthz',
    embedded: 'PGlite',
    cold: summary(cold),
    warm: summary(warm),
  }),
);
