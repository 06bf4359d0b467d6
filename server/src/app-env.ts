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
    log: Logger;
  };
};
