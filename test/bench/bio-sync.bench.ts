/**
 * Issue 3: syncs the bios of 1,000 contacts against the fake X and prints wall time, CPU time per
 * contact and X requests per contact, for Perch's in-process client (profileByHandle) and, in the
 * same run, for spawning the bird CLI once per contact as PingCRM does
 * (`bird user-tweets @h -n 1 --json-full`, the bio read from the tweet's raw author).
 *
 * CPU: in process, process.cpuUsage() around the loop (the fake X runs in a child process of its
 * own, so it is not counted). For the CLI, the children's user + system time from /proc/self/stat
 * (cutime + cstime: every waited-for child, which here are only the CLI runs, because the fake's
 * process is still alive and so not yet reaped). The CLI runs BIO_SYNC_CLI_SAMPLE contacts (default
 * 100) one after another and is extrapolated per contact.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createXWeb } from '../../server/src/modules/x-web/x-web.ts';
import { benchAccount, contactBio, contactHandle } from './bio-sync-data.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const contacts = Number(process.env.BIO_SYNC_CONTACTS ?? 1000);
const cliSample = Math.min(contacts, Number(process.env.BIO_SYNC_CLI_SAMPLE ?? 100));
const warmUp = 10;
const birdCli = createRequire(path.join(here, '../../server/package.json')).resolve(
  '@steipete/bird/dist/cli.js',
);
const pair = { authToken: benchAccount.authToken, ct0: benchAccount.ct0 };

function startFake(): Promise<{
  url: string;
  child: ChildProcess;
  requests: () => Promise<number>;
}> {
  const child = fork(path.join(here, 'bio-sync-fake.ts'), [String(contacts)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const next = () =>
    new Promise<Record<string, number & string>>((resolve) =>
      child.once('message', (m) => resolve(m as never)),
    );
  return next().then(({ url }) => ({
    url,
    child,
    requests: async () => {
      const answer = next();
      child.send('requests');
      return (await answer).requests;
    },
  }));
}

/** User + system CPU of every reaped child of this process, in ms (Linux /proc). */
function childrenCpuMs(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(')').at(-1)!.trim().split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function inProcess(url: string, requests: () => Promise<number>) {
  const session = createXWeb({ xOrigin: url, xApiOrigin: url, timeoutMs: 10_000 }).forAccount(pair);
  const check = async (i: number) => {
    const result = await session.profileByHandle(contactHandle(i));
    if (!result.ok || result.value.bio !== contactBio(i))
      throw new Error(`in-process: contact ${i}: ${JSON.stringify(result)}`);
  };
  for (let i = 0; i < warmUp; i += 1) await check(i); // JIT and connection warm-up, not counted
  const requestsBefore = await requests();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < contacts; i += 1) await check(i);
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const sent = (await requests()) - requestsBefore;
  return {
    contacts,
    wallMs: Math.round(wallMs),
    cpuMsPerContact: round((user + system) / 1000 / contacts),
    requestsPerContact: sent / contacts,
    cpuMethod: 'process.cpuUsage() of the bench process; fake X in another process',
    warmUpContactsNotCounted: warmUp,
  };
}

function runCli(url: string, handle: string, sandbox: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        path.join(here, 'bio-sync-redirect.mjs'),
        birdCli,
        '--plain',
        'user-tweets',
        `@${handle}`,
        '-n',
        '1',
        '--json-full',
      ],
      {
        cwd: sandbox,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Cookies in the environment, never in arguments (they would show in ps).
        env: {
          PATH: process.env.PATH,
          HOME: sandbox,
          AUTH_TOKEN: pair.authToken,
          CT0: pair.ct0,
          BIRD_FAKE_X_URL: url,
          NODE_ENV: 'test',
          BIRD_QUERY_IDS_CACHE: path.join(sandbox, 'q.json'),
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`bird exited ${code} for @${handle}`)),
    );
  });
}

async function cli(url: string, requests: () => Promise<number>) {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-bio-bench-'));
  try {
    const requestsBefore = await requests();
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    for (let i = 0; i < cliSample; i += 1) {
      const [tweet] = JSON.parse(await runCli(url, contactHandle(i), sandbox)) as {
        _raw: { core: { user_results: { result: { legacy: { description: string } } } } };
      }[];
      if (tweet?._raw.core.user_results.result.legacy.description !== contactBio(i))
        throw new Error(`cli: contact ${i}: wrong bio`);
    }
    const wallMs = performance.now() - started;
    const cpuMs = childrenCpuMs() - cpuBefore;
    const sent = (await requests()) - requestsBefore;
    return {
      sample: cliSample,
      wallMs: Math.round(wallMs),
      wallMsPerContact: round(wallMs / cliSample),
      wallMsExtrapolated: Math.round((wallMs / cliSample) * contacts),
      cpuMsPerContact: round(cpuMs / cliSample),
      requestsPerContact: sent / cliSample,
      cpuMethod: 'children user+system time, /proc/self/stat cutime+cstime (10 ms ticks)',
    };
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

const fake = await startFake();
try {
  const perch = await inProcess(fake.url, fake.requests);
  const birdCliRun = await cli(fake.url, fake.requests);
  console.log(
    JSON.stringify(
      {
        bench: 'bio-sync',
        node: process.version,
        cpus: os.cpus().length,
        contacts,
        perchInProcess: perch,
        birdCliPerContact: birdCliRun,
        cpuRatioCliToPerch: round(birdCliRun.cpuMsPerContact / perch.cpuMsPerContact),
        goal: { cpuRatioAtLeast: 20, requestsPerContact: 1 },
      },
      null,
      2,
    ),
  );
} finally {
  fake.child.disconnect();
}
