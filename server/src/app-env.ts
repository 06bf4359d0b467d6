import type { Logger } from './lib/logger.ts';

export interface SessionUser {
  id: string;
  email: string;
  createdAt: Date;
}

/** Per-request data only; everything with I/O comes from deps, not from c.var. */
export type AppEnv = {
  Variables: {
    user: SessionUser | null;
    /** Set when the request carried a valid device token. */
    device: { id: string; userId: string } | null;
    /** From hono/request-id: in every log line of the request and in its X-Request-Id answer header. */
    requestId: string;
    log: Logger;
  };
};
