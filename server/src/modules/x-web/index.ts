export {
  builtInWebClient,
  createXWeb,
  type XCheckFailure,
  type XCheckResult,
  type XWeb,
  type XWebOptions,
} from './x-web.ts';
export { createXFetch, type XExchange, type XFetch, type XFetchOptions } from './x-fetch.ts';
export type {
  XAccount,
  XFailure,
  XImage,
  XPort,
  XProfile,
  XResult,
  XRequestBudget,
  XSearchPage,
  XSession,
  XTweet,
  XUnavailableReason,
  XWebClient,
  XOperation,
} from './x-types.ts';
