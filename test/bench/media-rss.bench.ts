/**
 * Issue 10: peak resident memory of a real Perch process (`src/index.ts`, pg-boss on PostgreSQL) while a
 * BENCH_MEDIA_RSS_MB (default 200) MB video is (1) uploaded to Perch, POST /api/v1/media streamed from disk, and
 * (2) published to the fake X (initialize, 1 MiB appends read from PostgreSQL, finalize, STATUS polls, the post).
 * VmRSS is read from /proc/<pid>/status every 20 ms. Prints, per phase: idle (the median of 1 s of samples
 * before it), peak, growth = peak − idle (goal < 64 MB), and how long the phase took.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeX } from '../fake-x/index.ts';
import {
  connectPublisher,
  createPostOn,
  createThrowawayDatabase,
  perchProcessEnv,
  residentBytes,
  startPerchProcess,
  stopPerchProcesses,
  uploadMediaFile,
  waitForPostsSettled,
  writeFakeVideo,
  type PerchProcess,
} from '../e2e/perch-processes.ts';

const megabytes = Number(process.env.BENCH_MEDIA_RSS_MB ?? 200);
const sampleMs = 20;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const me = {
  authToken: 'mediarssauth0token0a1b2c3d4e5f6071829304',
  ct0: 'mediarssct0value0aaaabbbbccccdddd',
  userId: '8800',
  screenName: 'perch_rss',
  name: 'RSS',
  email: 'rss@example.com',
};

/** Samples the process's RSS every 20 ms while `work` runs. */
async function measure(pid: number, work: () => Promise<unknown>) {
  const idleSamples: number[] = [];
  for (let i = 0; i < 1000 / sampleMs; i++) {
    idleSamples.push((await residentBytes(pid)) ?? 0);
    await new Promise((r) => setTimeout(r, sampleMs));
  }
  idleSamples.sort((a, b) => a - b);
  const idle = idleSamples[idleSamples.length >> 1]!;
  let peak = idle;
  let samples = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const rss = await residentBytes(pid);
      if (rss !== null) peak = Math.max(peak, rss);
      samples++;
      await new Promise((r) => setTimeout(r, sampleMs));
    }
  })();
  const t0 = Date.now();
  try {
    await work();
  } finally {
    running = false;
    await sampler;
  }
  return {
    idleMB: mb(idle),
    peakMB: mb(peak),
    growthMB: mb(peak - idle),
    seconds: ((Date.now() - t0) / 1000).toFixed(1),
    samples,
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-media-rss-'));
const database = await createThrowawayDatabase('perch_media_rss');
const fakeX = await startFakeX();
const workers: PerchProcess[] = [];
try {
  fakeX.addAccount(me);
  const file = path.join(dir, 'big.mp4');
  await writeFakeVideo(file, megabytes * 1024 * 1024);
  const worker = await startPerchProcess('A', perchProcessEnv(database.url, fakeX));
  workers.push(worker);
  const { cookie } = await connectPublisher(worker, fakeX, me);
  const pid = worker.child.pid!;

  let mediaId = '';
  const upload = await measure(pid, async () => {
    mediaId = await uploadMediaFile(worker, cookie, file, 'video/mp4');
  });
  let status = '';
  const publish = await measure(pid, async () => {
    const view = await createPostOn(worker, cookie, {
      action: 'publish_now',
      parts: [{ text: `A ${megabytes} MB film`, mediaIds: [mediaId] }],
    });
    const [done] = await waitForPostsSettled(worker, cookie, [view.id], 15 * 60_000);
    status = done!.status;
  });
  const atX = fakeX.media.all(me.userId)[0];
  console.log(`media-rss: a ${megabytes} MB video, Perch process RSS sampled every ${sampleMs} ms`);
  console.log(
    JSON.stringify(
      {
        uploadToPerch: upload,
        publishToX: {
          ...publish,
          status,
          appends: fakeX.requestCount('mediaAppend'),
          bytesAtX: atX?.appendedBytes,
        },
        goalGrowthMB: 64,
      },
      null,
      2,
    ),
  );
} finally {
  await stopPerchProcesses(workers);
  await fakeX.close();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
