export { builtInWebClient, createXClient, type XCheckFailure, type XCheckResult, type XClient, type XClientOptions } from './x-client.ts';
export { createXFetch, type XExchange, type XFetch, type XFetchOptions } from './x-fetch.ts';
export type {
  XAccount, XFailure, XImage, XPort, XProfile, XResult, XRequestBudget, XSearchPage, XSession, XTweet, XUnavailableReason, XWebClient, XOperation,
} from './x-types.ts';
