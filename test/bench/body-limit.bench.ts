/**
 * Peak memory of a real Perch process (`node --import tsx server/src/index.ts`, embedded PGlite) while four
 * clients each send a 400 MB body to `POST /api/v1/auth/sign-in` at once, with no sign-in: once streamed
 * (chunked, no length) and once with the 400 MB declared in Content-Length. Prints idle and peak RSS (sampled
 * from /proc every 20 ms), what each client got back and how much of its body it could send.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startPerchProcess } from '../e2e/perch-processes.ts';

const bodyBytes = Number(process.env.BODY_MB ?? 400) * 1024 * 1024;
const clients = 4;
const chunk = Buffer.alloc(1024 * 1024, 'a');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-body-'));
// a real server process; startPerchProcess waits until it listens and its job queue runs
const { child, url: base } = await startPerchProcess('perch', {
  PORT: '0',
  HOST: '127.0.0.1',
  PERCH_DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
});

const rssBytes = () => {
  const line = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return Number(line?.[1] ?? 0) * 1024;
};

// Let start-up allocations settle before reading the idle figure.
await new Promise((r) => setTimeout(r, 2000));

type Outcome = { status: number | string; sentMb: number };

function send(declareLength: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    let sent = 0;
    let settled = false;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      origin: base,
    };
    if (declareLength) headers['content-length'] = bodyBytes;
    const request = http.request(`${base}/api/v1/auth/sign-in`, { method: 'POST', headers });
    const done = (status: number | string) => {
      if (settled) return;
      settled = true;
      request.destroy();
      resolve({ status, sentMb: Math.round(sent / 1024 / 1024) });
    };
    request.on('response', (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    request.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    const pump = () => {
      while (sent < bodyBytes && !settled) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!settled) request.end();
    };
    pump();
  });
}

async function round(declareLength: boolean) {
  const idle = rssBytes();
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes())), 20);
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: clients }, () => send(declareLength)));
  const ms = Math.round(performance.now() - started);
  await new Promise((r) => setTimeout(r, 500));
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes());
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return {
    body: declareLength ? 'Content-Length: 400 MB' : 'chunked',
    idleMb: mb(idle),
    peakMb: mb(peak),
    growthMb: mb(peak - idle),
    ms,
    outcomes,
  };
}

try {
  const streamed = await round(false);
  const declared = await round(true);
  const healthy = (await fetch(`${base}/healthz`)).status;
  console.log(
    JSON.stringify(
      {
        bench: `${clients} × ${bodyBytes / 1024 / 1024} MB bodies to POST /api/v1/auth/sign-in, real process RSS`,
        streamed,
        declared,
        healthzAfter: healthy,
      },
      null,
      1,
    ),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
