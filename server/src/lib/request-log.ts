import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.ts';
import type { Logger } from './logger.ts';

/**
 * One line per request: method, path (never the query or headers), status and time. Every line logged through c.var.log
 * carries the request's id (hono/request-id, also in the X-Request-Id answer header), so it must run after requestId().
 */
export const requestLog = (logger: Logger) =>
  createMiddleware<AppEnv>(async function requestLog(c, next) {
    const started = performance.now();
    const log = logger.child({ reqId: c.var.requestId });
    c.set('log', log);
    await next();
    log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
