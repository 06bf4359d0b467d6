/**
 * Issue 10: X requests per published post, counted at the fake X, for a text post, a post with 4 images (each with
 * alt text) and a 10-part thread, through a real Perch process (`src/index.ts`, pg-boss on PostgreSQL) with
 * OAuth 1.0a app credentials. Each kind is published BENCH_PUBLISH_REQUESTS_ROUNDS times (default 3) and the
 * fake's requests are counted per endpoint (write side: requestCount; everything else by method and path), per
 * post. The thread is measured with X's reply delay as the fake plays it (1 s: a reply sent too soon is refused
 * and sent again) and without it (0).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeX } from '../fake-x/index.ts';
import type { FakeXWriteEndpoint } from '../fake-x/index.ts';
import {
  callPerch,
  connectPublisher,
  createPostOn,
  createThrowawayDatabase,
  perchProcessEnv,
  startPerchProcess,
  stopPerchProcesses,
  uploadMediaFile,
  waitForPostsSettled,
  type PerchProcess,
} from '../e2e/perch-processes.ts';

const rounds = Number(process.env.BENCH_PUBLISH_REQUESTS_ROUNDS ?? 3);
const endpoints: FakeXWriteEndpoint[] = [
  'createPosts',
  'deletePosts',
  'mediaInitialize',
  'mediaAppend',
  'mediaFinalize',
  'mediaStatus',
  'mediaMetadata',
  'usersPosts',
  'postsByIds',
  'postsAnalytics',
];
const me = {
  authToken: 'publishreqauth0token0a1b2c3d4e5f607182930',
  ct0: 'publishreqct0value0aaaabbbbccccdddd',
  userId: '8900',
  screenName: 'perch_requests',
  name: 'Requests',
  email: 'requests@example.com',
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perch-publish-requests-'));
/** A PNG as far as a magic-byte check goes (the fake X does not decode images). */
function writeImage(i: number) {
  const file = path.join(dir, `image-${i}.png`);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  fs.writeFileSync(file, Buffer.concat([signature, Buffer.alloc(200_000 + i, i)]));
  return file;
}

const database = await createThrowawayDatabase('perch_publish_requests');
const fakeX = await startFakeX();
const workers: PerchProcess[] = [];
try {
  fakeX.addAccount(me);
  const worker = await startPerchProcess('A', perchProcessEnv(database.url, fakeX));
  workers.push(worker);
  const { cookie } = await connectPublisher(worker, fakeX, me);
  let serial = 0;

  async function measure(name: string, makeBody: () => Promise<unknown>) {
    const writeBefore = Object.fromEntries(endpoints.map((e) => [e, fakeX.requestCount(e)]));
    const otherBefore = fakeX.requests.length;
    for (let r = 0; r < rounds; r++) {
      const view = await createPostOn(worker, cookie, await makeBody());
      const [done] = await waitForPostsSettled(worker, cookie, [view.id], 5 * 60_000);
      if (done!.status !== 'published') throw new Error(`${name}: ${JSON.stringify(done)}`);
    }
    const perPost: Record<string, number> = {};
    let all = 0;
    for (const e of endpoints) {
      const n = (fakeX.requestCount(e) - writeBefore[e]!) / rounds;
      if (n) perPost[e] = n;
      all += n;
    }
    // requests the write side does not count (e.g. /2/users/me), by method and path shape
    const writePaths = /^\/2\/(tweets|media|users\/\d+\/tweets)/;
    for (const req of fakeX.requests.slice(otherBefore)) {
      if (writePaths.test(req.path)) continue;
      const key = `${req.method} ${req.path.replace(/\d{5,}/g, ':id')}`;
      perPost[key] = (perPost[key] ?? 0) + 1 / rounds;
      all += 1 / rounds;
    }
    return { perPost: Number(all.toFixed(2)), byEndpoint: perPost };
  }

  const text = await measure('text post', async () => ({
    action: 'publish_now',
    parts: [{ text: `A plain post, number ${++serial}` }],
  }));
  const images = await measure('4 images', async () => {
    const mediaIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await uploadMediaFile(worker, cookie, writeImage(serial * 4 + i), 'image/png');
      await callPerch(worker, 'PATCH', `/api/v1/media/${id}`, {
        cookie,
        json: { altText: `Picture ${i + 1}` },
      });
      mediaIds.push(id);
    }
    return { action: 'publish_now', parts: [{ text: `Four pictures, ${++serial}`, mediaIds }] };
  });
  const thread = () => {
    const n = ++serial;
    return Promise.resolve({
      action: 'publish_now',
      parts: Array.from({ length: 10 }, (_, i) => ({ text: `Thread ${n}, part ${i + 1} of 10` })),
    });
  };
  const threadWithDelay = await measure('10-part thread, reply delay 1 s', thread);
  fakeX.posts.setReplyDelay(0);
  const threadNoDelay = await measure('10-part thread, no reply delay', thread);
  console.log(`publish-requests: X requests per published post (mean of ${rounds} each)`);
  console.log(
    JSON.stringify(
      {
        textPost: text,
        postWith4Images: images,
        thread10PartsReplyDelay1s: threadWithDelay,
        thread10PartsNoReplyDelay: threadNoDelay,
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
