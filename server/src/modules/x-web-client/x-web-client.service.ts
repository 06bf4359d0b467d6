/**
 * Which query ids, feature switches and bearer token Perch sends to x.com, and how it learns new ones when X
 * rotates them. Precedence: what the operator pinned (configuration), then what was discovered from x.com's
 * bundles (shared by every user and process through the database), then bird's built-in values. A discovery
 * happens only when a request proves the values stale, at most once per cool-down, by one process at a time.
 */
import type { Logger } from '../../lib/logger.ts';
import { errorSummary } from '../../lib/logger.ts';
import type { XWebClient, XWebClientUsed, XWebClientValues } from '../x-web/x-types.ts';
import { builtInQueryIds, featureKey } from '../x-web/bird-client.ts';
import { discoverWebClient, type DiscoveryFetch } from './x-web-client.discovery.ts';
import type { XWebClientQueries, XWebClientRow } from './x-web-client.queries.ts';
import { xOperations, type XOperation } from '../x-web/x-types.ts';

export interface PinnedWebClient {
  queryIds: Partial<Record<XOperation, string>>;
  /** Per operation, or `*` for every operation. */
  features: Partial<Record<XOperation | '*', Record<string, boolean>>>;
  bearer: string | null;
}

export interface XWebClientDeps {
  queries: XWebClientQueries;
  pinned: PinnedWebClient;
  /** A fetch through Perch's door to X, for pages and bundles (no cookies). */
  discoveryFetch: () => DiscoveryFetch;
  logger: Logger;
  now: () => Date;
  /** After an attempt, x.com is not scraped again for this long (default 10 minutes). */
  cooldownMs?: number;
  /** How old the in-memory copy may be before the database is read again (default 30 s). */
  reloadMs?: number;
}

export type ValueSource = 'pinned' | 'discovered' | 'built-in';

export interface WebClientReport {
  operations: {
    operation: XOperation;
    queryId: string;
    source: ValueSource;
    features: number;
    featureSource: ValueSource;
  }[];
  bearer: { source: ValueSource; value: string | null };
  discoveredAt: Date | null;
  triedAt: Date | null;
  outcome: string | null;
  bundles: string[];
}

const leaseMs = 60_000;
const waitStepMs = 250;

export type XWebClientService = Omit<XWebClient, 'recover'> & {
  /** `force`: ask x.com even inside the cool-down (the x:query-ids --discover command). */
  recover(used: XWebClientUsed, options?: { force?: boolean }): Promise<boolean>;
  report(): Promise<WebClientReport>;
};

export function createXWebClient({
  queries,
  pinned,
  discoveryFetch,
  logger,
  now,
  cooldownMs = 10 * 60_000,
  reloadMs = 30_000,
}: XWebClientDeps): XWebClientService {
  const log = logger.child({ module: 'x-web-client' });
  let row: XWebClientRow | null = null;
  let loadedAt = -Infinity;
  let recovering: Promise<void> | null = null;

  async function reload() {
    row = await queries.find();
    loadedAt = now().getTime();
  }

  function values(): XWebClientValues {
    const discovered = row;
    return {
      queryId: (operation) =>
        pinned.queryIds[operation] ?? discovered?.queryIds[operation] ?? builtInQueryIds[operation],
      features: (operation) => ({
        ...discovered?.features[operation],
        ...pinned.features['*'],
        ...pinned.features[operation],
      }),
      bearer: pinned.bearer ?? discovered?.bearer ?? null,
    };
  }

  /** Whether the values now differ from the ones a failed request used, in what that failure was about. */
  function changedSince(used: XWebClientUsed): boolean {
    const now = values();
    if ('bearer' in used) return now.bearer !== used.bearer;
    return (
      now.queryId(used.operation) !== used.queryId ||
      featureKey(now.features(used.operation)) !== used.featureKey
    );
  }

  async function discover() {
    const at = now();
    try {
      const found = await discoverWebClient(discoveryFetch(), xOperations);
      const names = Object.keys(found.queryIds);
      const outcome = `${names.length} of ${xOperations.length} operations${found.bearer ? ', bearer' : ''} from ${found.bundles.length} bundles`;
      await queries.finishDiscovery({
        queryIds: { ...row?.queryIds, ...found.queryIds },
        features: { ...row?.features, ...found.features },
        bearer: found.bearer ?? row?.bearer ?? null,
        bundles: found.bundles,
        discoveredAt: at,
        triedAt: at,
        outcome,
      });
      log.info(
        { operations: names, bearer: found.bearer !== null, bundles: found.bundles.length },
        'discovered x.com’s web client values',
      );
    } catch (error) {
      await queries.finishDiscovery({
        triedAt: at,
        outcome: `failed: ${(error as Error).message}`.slice(0, 200),
      });
      log.warn({ err: errorSummary(error) }, 'could not discover x.com’s web client values');
    }
  }

  /** One process discovers; the others wait for its lease to end and read what it found. */
  async function discoverOnce(force: boolean) {
    const until = new Date(now().getTime() + leaseMs);
    if (await queries.takeLease(now(), until)) {
      await reload();
      if (!force && coolingDown())
        return void (await queries.finishDiscovery({
          triedAt: row!.triedAt!,
          outcome: row!.outcome,
        }));
      await discover();
      return reload();
    }
    const deadline = Date.now() + leaseMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, waitStepMs));
      await reload();
      if (!row?.leaseUntil || row.leaseUntil < now()) return;
    }
  }

  const coolingDown = () =>
    row?.triedAt != null && now().getTime() - row.triedAt.getTime() < cooldownMs;

  return {
    async current() {
      if (now().getTime() - loadedAt > reloadMs) await reload();
      return values();
    },

    async recover(used, { force = false } = {}) {
      await reload();
      if (!force && changedSince(used)) return true; // another request (or process) already learnt the new values
      if ('bearer' in used ? pinned.bearer : pinned.queryIds[used.operation]) return false; // the operator decides
      if (force || !coolingDown()) {
        recovering ??= discoverOnce(force).finally(() => (recovering = null));
        await recovering;
      }
      return changedSince(used);
    },

    async report() {
      await reload();
      const v = values();
      const source = (isPinned: boolean, isDiscovered: boolean): ValueSource =>
        isPinned ? 'pinned' : isDiscovered ? 'discovered' : 'built-in';
      return {
        operations: xOperations.map((operation) => ({
          operation,
          queryId: v.queryId(operation),
          source: source(
            pinned.queryIds[operation] !== undefined,
            row?.queryIds[operation] !== undefined,
          ),
          features: Object.keys(v.features(operation)).length,
          featureSource: source(
            pinned.features[operation] !== undefined || pinned.features['*'] !== undefined,
            row?.features[operation] !== undefined,
          ),
        })),
        bearer: { source: source(pinned.bearer !== null, row?.bearer != null), value: v.bearer },
        discoveredAt: row?.discoveredAt ?? null,
        triedAt: row?.triedAt ?? null,
        outcome: row?.outcome ?? null,
        bundles: row?.bundles ?? [],
      };
    },
  };
}
