// Preload for the unmodified bird CLI (bird-0.8.0 reference, section 7 and Appendix A): sends its
// fetch calls for X's hosts to BIRD_FAKE_X_URL and refuses every other non-loopback host.
const target = process.env.BIRD_FAKE_X_URL;
if (target) {
  const base = new URL(target);
  const xHosts = new Set([
    'x.com',
    'www.x.com',
    'api.x.com',
    'upload.x.com',
    'twitter.com',
    'www.twitter.com',
    'api.twitter.com',
    'upload.twitter.com',
    'abs.twimg.com',
  ]);
  const loopback = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
  const realFetch = globalThis.fetch;
  globalThis.fetch = async function redirectedFetch(input, init) {
    const isRequest = input instanceof Request;
    const url = new URL(isRequest ? input.url : String(input instanceof URL ? input.href : input));
    if (xHosts.has(url.hostname)) {
      url.protocol = base.protocol;
      url.host = base.host;
    } else if (!loopback.has(url.hostname)) {
      throw new TypeError('fetch failed', { cause: new Error(`blocked non-X host ${url.host}`) });
    }
    return realFetch(isRequest ? new Request(url, input) : url, init);
  };
}
