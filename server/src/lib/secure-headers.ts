import { secureHeaders } from 'hono/secure-headers';

/**
 * The security headers of every answer (pages, API, assets, errors), from hono/secure-headers.
 *
 * The policy is the pages' one; on JSON and assets it is harmless. Scripts and styles come only from /assets and the
 * pages' JSON config block is data, so no 'unsafe-inline' is needed. frame-ancestors 'none' (and X-Frame-Options DENY
 * for older browsers) keeps Disconnect and Revoke out of other sites' frames. overwrite: false lets a handler send a
 * stricter policy of its own (the X DM callback page does).
 */
export const perchSecureHeaders = ({ https }: { https: boolean }) =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    // Without includeSubDomains: a self-hosted Perch does not decide for the other hosts of its domain; over plain
    // http (localhost) browsers ignore the header, so it is not sent.
    strictTransportSecurity: https ? 'max-age=15552000' : false,
    overwrite: false,
  });
