/** What bio-sync.bench.ts and its fake X agree on. */
export const benchAccount = {
  authToken: 'bench-auth-token',
  ct0: 'bench-ct0',
  userId: '1',
  screenName: 'bench_me',
  name: 'Bench',
};
export const contactHandle = (i: number) => `c_${String(i).padStart(5, '0')}`;
export const contactBio = (i: number) => `bio of contact ${i}`;
