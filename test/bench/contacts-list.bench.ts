/**
 * Listing 10,000 contacts from a real Perch process (`node --import tsx server/src/index.ts`) on real PostgreSQL
 * (a throwaway database on PERCH_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432, dropped afterwards):
 * 8 clients page through GET /api/v1/contacts (following nextCursor, back to the first page at the end) for
 * BENCH_SECONDS (10), while one more client polls /healthz every 20 ms. Prints the first page's size, the contacts
 * requests' p50/p99 latency and /healthz's p99 and worst, and PostgreSQL's plan for a page past the first.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startPerchProcess } from '../e2e/perch-processes.ts';

const serverUrl = (
  process.env.PERCH_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432'
).replace(/\/+$/, '');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const contactCount = 10_000;
const clients = 8;

const database = `perch_bench_contacts_${randomBytes(4).toString('hex')}`;
const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${database}`);
const databaseUrl = `${serverUrl}/${database}`;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-contacts-'));
// a real server process; startPerchProcess waits until it listens and its job queue runs
const { child, url: base } = await startPerchProcess('perch', {
  PORT: '0',
  HOST: '127.0.0.1',
  PERCH_DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'info',
});
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    Math.round(
      (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN) *
        10,
    ) / 10
  );
};

try {
  const signUp = await fetch(`${base}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: 'bench@example.com', password: 'correct horse battery' }),
  });
  if (signUp.status !== 201)
    throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers.get('set-cookie')!.split(';')[0]!;
  const { user } = (await signUp.json()) as { user: { id: string } };

  // One statement: names with ties (every name twice), a handle, a bio and notes of ordinary length.
  await sql`
    INSERT INTO contacts (user_id, name, x_handle, x_user_id, bio, notes)
    SELECT ${user.id}, 'Contact ' || lpad((g / 2)::text, 5, '0'), 'handle_' || g, (1000000 + g)::text,
           'Building things on the internet; writes about software, cities and coffee. Opinions my own. #' || g,
           'Met at a conference in ' || (2000 + g % 25) || '; follow up about the project.'
    FROM generate_series(1, ${contactCount}) AS g`;
  await sql`ANALYZE contacts`;

  const first = await fetch(`${base}/api/v1/contacts`, { headers: { cookie } });
  const firstBody = await first.text();
  const firstPage = JSON.parse(firstBody) as { contacts: unknown[]; nextCursor?: string | null };

  const contactsMs: number[] = [];
  const healthzMs: number[] = [];
  const statuses: Record<string, number> = {};
  const deadline = performance.now() + seconds * 1000;
  let pagesWalkedToEnd = 0;

  async function pager() {
    let cursor: string | null | undefined = null;
    while (performance.now() < deadline) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/contacts${cursor ? `?cursor=${cursor}` : ''}`, {
        headers: { cookie },
      });
      const body = (await res.json()) as { nextCursor?: string | null };
      contactsMs.push(performance.now() - started);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      cursor = body.nextCursor;
      if (!cursor) pagesWalkedToEnd++;
    }
  }
  async function healthz() {
    while (performance.now() < deadline) {
      const started = performance.now();
      await (await fetch(`${base}/healthz`)).text();
      healthzMs.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await Promise.all([...Array.from({ length: clients }, pager), healthz()]);

  // The plan for a page past the first, as the server's query builds it (lib/keyset.ts).
  const plan = await sql.unsafe(
    `EXPLAIN SELECT *, lower(name) FROM contacts WHERE user_id = $1 AND (lower(name), id) > ($2::text, $3::uuid) ORDER BY lower(name), id LIMIT 51`,
    [user.id, 'contact 02500', '00000000-0000-0000-0000-000000000000'],
  );

  console.log(
    JSON.stringify(
      {
        bench: `${clients} clients paging GET /api/v1/contacts (${contactCount} contacts, real PostgreSQL) for ${seconds} s, /healthz polled`,
        firstPage: {
          status: first.status,
          bytes: Buffer.byteLength(firstBody),
          contacts: firstPage.contacts.length,
          hasNextCursor: Boolean(firstPage.nextCursor),
        },
        contacts: {
          requests: contactsMs.length,
          perSecond: Math.round(contactsMs.length / seconds),
          statuses,
          walksToTheEnd: pagesWalkedToEnd,
          p50Ms: percentile(contactsMs, 50),
          p99Ms: percentile(contactsMs, 99),
        },
        healthz: {
          requests: healthzMs.length,
          p50Ms: percentile(healthzMs, 50),
          p99Ms: percentile(healthzMs, 99),
          maxMs: percentile(healthzMs, 100),
        },
        plan: plan.map((row) => Object.values(row)[0]),
      },
      null,
      1,
    ),
  );
} finally {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await sql.end();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
