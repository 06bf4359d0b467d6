/**
 * A graceful stop for the HTTP server: no new connections, and the requests already being answered get their
 * answers (up to a deadline) before anything they depend on, such as the database, is closed.
 */
import type { Server } from 'node:http';

export interface RequestTracker {
  /** Requests whose response has not finished yet. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, waits until every request in flight is answered or `timeoutMs` passed, then
   * closes every connection left. True when nothing was cut off.
   */
  stop(timeoutMs: number): Promise<boolean>;
}

export function trackRequests(server: Server): RequestTracker {
  let inFlight = 0;
  let onIdle: (() => void) | null = null;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
  });

  return {
    get inFlight() {
      return inFlight;
    },
    async stop(timeoutMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections with no request on them would hold close() open; they are closed now.
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const answered =
        inFlight === 0 ||
        (await new Promise<boolean>((resolve) => {
          onIdle = () => resolve(true);
          timer = setTimeout(() => resolve(false), timeoutMs);
        }));
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
      return answered;
    },
  };
}
