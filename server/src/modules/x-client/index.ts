export { createXClient, type XAccount, type XCheckResult, type XClient, type XClientOptions } from './x-client.ts';
export { createXFetch, type XExchange, type XFetch, type XFetchOptions } from './x-fetch.ts';
