import type { FakeXWriteEndpoint } from './write-limits.ts';

/**
 * How the write side misbehaves, by control (fakeX.faults.inject):
 * - 'drop-after-create': the post is created, then the socket is destroyed without an answer
 * - '503-after-create': the post is created, then X's 503 problem is sent
 * - 'timeout-after-create': the post is created, then the answer is held (holdMs, default 60 s, or
 *   until the client hangs up) and then sent
 * - '503': X's 503 problem before anything is created
 * - '429': X's 429 rate-limit problem (gateway "Too Many Requests") with the budget's headers
 * - 'usage-capped': 429 usage-capped (the monthly cap)
 * - '402': 402 CreditsDepleted
 * - 'append-500': a media segment fails with 500 (the segment is not kept)
 * - 'append-drop': a media segment's connection is dropped (the segment is not kept)
 * append-* apply to media append; the others (the *-after-create kinds too: the work is done, then
 * the answer is lost) to POST /2/tweets unless `endpoint` says otherwise.
 */
export type FakeXWriteFault =
  | 'drop-after-create'
  | '503-after-create'
  | 'timeout-after-create'
  | '503'
  | '429'
  | 'usage-capped'
  | '402'
  | 'append-500'
  | 'append-drop';

export interface FakeXFaultOptions {
  /** For the next `times` matching requests (default 1), unless `probability` is set. */
  times?: number;
  /** Lets this many matching requests through first (default 0): e.g. 2 for a thread's third part. */
  skip?: number;
  /** Each matching request gets the fault with this probability (seeded: see `seed`), until cleared. */
  probability?: number;
  /** Seed of the fault's own random sequence (default 1): the same seed, the same requests hit. */
  seed?: number;
  /** Which endpoint '503', '429', 'usage-capped' and '402' apply to (default createPosts). */
  endpoint?: FakeXWriteEndpoint;
  /** timeout-after-create: how long the answer is held (default 60 s). */
  holdMs?: number;
}

interface Armed {
  kind: FakeXWriteFault;
  endpoint: FakeXWriteEndpoint;
  remaining: number;
  skip: number;
  probability?: number;
  random: () => number;
  holdMs: number;
}

export interface FaultDecision {
  kind: FakeXWriteFault;
  holdMs: number;
}

export interface WriteFaults {
  inject(kind: FakeXWriteFault, opts?: FakeXFaultOptions): void;
  clear(): void;
  /** Whether this request gets a fault (and uses one up). */
  next(endpoint: FakeXWriteEndpoint): FaultDecision | undefined;
  /** Faults that hit so far, oldest first. */
  hits: { kind: FakeXWriteFault; endpoint: FakeXWriteEndpoint }[];
}

const endpointOf = (kind: FakeXWriteFault, endpoint?: FakeXWriteEndpoint): FakeXWriteEndpoint => {
  if (kind === 'append-500' || kind === 'append-drop') return 'mediaAppend';
  return endpoint ?? 'createPosts';
};

export function createWriteFaults(): WriteFaults {
  let armed: Armed[] = [];
  const hits: WriteFaults['hits'] = [];
  return {
    hits,
    inject(kind, opts = {}) {
      armed.push({
        kind,
        endpoint: endpointOf(kind, opts.endpoint),
        remaining: opts.probability === undefined ? (opts.times ?? 1) : Infinity,
        skip: opts.skip ?? 0,
        probability: opts.probability,
        random: mulberry32(opts.seed ?? 1),
        holdMs: opts.holdMs ?? 60_000,
      });
    },
    clear() {
      armed = [];
      hits.length = 0;
    },
    next(endpoint) {
      for (const fault of armed) {
        if (fault.endpoint !== endpoint || fault.remaining <= 0) continue;
        if (fault.skip > 0) {
          fault.skip -= 1;
          continue;
        }
        if (fault.probability !== undefined && fault.random() >= fault.probability) continue;
        fault.remaining -= 1;
        hits.push({ kind: fault.kind, endpoint });
        return { kind: fault.kind, holdMs: fault.holdMs };
      }
      return undefined;
    },
  };
}

/** A small seeded generator (mulberry32): reproducible fault sequences. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
