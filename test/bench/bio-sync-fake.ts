/**
 * The fake X for bio-sync.bench.ts, in a child process of its own so that the bench's CPU figures
 * count the client only. Seeds `count` contacts (each with a bio and one tweet, so the bird CLI,
 * which finds a profile only through a tweet, can read it) and the signed-in account, then talks
 * over IPC: 'requests' → how many requests it has answered.
 */
import { startFakeX } from '../fake-x/index.ts';
import { benchAccount, contactBio, contactHandle } from './bio-sync-data.ts';

const count = Number(process.argv[2] ?? 1000);
const fakeX = await startFakeX();
fakeX.addAccount(benchAccount);
for (let i = 0; i < count; i += 1) {
  const userId = String(1_600_000_000_000_000_000n + BigInt(i));
  fakeX.addAccount({
    userId,
    screenName: contactHandle(i),
    name: `Contact ${i}`,
    bio: contactBio(i),
  });
  fakeX.addTweets([
    {
      id: String(1_890_000_000_000_000_000n + BigInt(i)),
      by: contactHandle(i),
      text: `hello from ${i}`,
    },
  ]);
}
process.on('message', (message) => {
  if (message === 'requests') process.send!({ requests: fakeX.requests.length });
});
process.on('disconnect', () => void fakeX.close().then(() => process.exit(0)));
process.send!({ url: fakeX.url });
