import { z } from 'zod';

export const XSyncName = z.enum(['mentions', 'replies', 'bios']);
export type XSyncName = z.infer<typeof XSyncName>;

/** How one of a run's syncs ended: done (`complete` false when a page cap stopped it early), skipped, or failed. */
export const XSyncOutcome = z.union([
  z.object({
    sync: XSyncName,
    ok: z.literal(true),
    imported: z.number().int(),
    unknown: z.number().int().optional(),
    avatars: z.number().int().optional(),
    contactsDone: z.number().int().optional(),
    contactsTotal: z.number().int().optional(),
    complete: z.boolean().optional(),
  }),
  z.object({
    sync: XSyncName,
    ok: z.literal(false),
    skipped: z.enum(['not_connected', 'rate_limited']),
    retryAt: z.iso.datetime().optional(),
  }),
  z.object({
    sync: XSyncName,
    ok: z.literal(false),
    /** The kind of X's failure (auth, rate_limited, unavailable, …). */
    errorClass: z.string(),
    imported: z.number().int(),
    message: z.string(),
    retryAt: z.iso.datetime().optional(),
    paced: z.boolean().optional(),
    contactsDone: z.number().int().optional(),
    contactsTotal: z.number().int().optional(),
  }),
]);
export type XSyncOutcome = z.infer<typeof XSyncOutcome>;

/** The user's last X sync run (mentions, replies, bios), as the settings row shows it. */
export const XSyncProgress = z.object({
  status: z.enum(['queued', 'running', 'finished', 'failed']),
  queuedAt: z.iso.datetime().nullable().optional(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  contactsDone: z.number().int(),
  contactsTotal: z.number().int(),
  outcomes: z.array(XSyncOutcome),
  /** A plain sentence when the run could not do everything. */
  error: z.string().nullable(),
  /** When X's rate-limit gate opens and the run resumes by itself. */
  resumesAt: z.iso.datetime().nullable().optional(),
  /** The running run's last sign of life. */
  heartbeatAt: z.iso.datetime().nullable().optional(),
  /** Set when this run took over from one whose worker died. */
  tookOverAt: z.iso.datetime().nullable().optional(),
});
export type XSyncProgress = z.infer<typeof XSyncProgress>;

/**
 * GET and POST /api/v1/x/sync: the last run, or null before the first; while a run is queued or running, what a new
 * "Sync now" waits for, as a sentence.
 */
export const XSyncStatus = z.object({
  progress: XSyncProgress.nullable(),
  waitingFor: z.string().nullable(),
});
export type XSyncStatus = z.infer<typeof XSyncStatus>;
