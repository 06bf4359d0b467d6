import { createHash } from 'node:crypto';
import { html, type FakeReply } from './replies.ts';
import type { FakeXOperation } from './types.ts';
import type { WebClient } from './web-client.ts';

/**
 * x.com's pages and the web client bundles they load from abs.twimg.com, the way bird's
 * runtime-query-ids.js discovers query ids: fetch x.com/?lang=en, /explore, /notifications,
 * /settings/profile, collect https://abs.twimg.com/responsive-web/client-web/*.js, and read
 * `e.exports={queryId:"…",operationName:"…",…}` modules out of them. The abs.twimg.com host is routed to
 * the fake's origin, so bundles are served at /responsive-web/client-web/<file>.js. No cookies needed.
 */
export const webClientPages = new Set(['/', '/explore', '/notifications', '/settings/profile']);
const bundlePrefix = '/responsive-web/client-web/';
const bundleHost = 'https://abs.twimg.com';

export const isWebClientPath = (path: string) =>
  webClientPages.has(path) || path.startsWith(bundlePrefix);

interface Bundles {
  version: number;
  files: Map<string, string>;
  names: { vendor: string; main: string; profile: string };
}

export interface WebClientFiles {
  answer(path: string): FakeReply;
  /** The current bundle file names (main, the UserProfile chunk, vendor), for tests. */
  names(): Bundles['names'];
}

export function createWebClientFiles(client: WebClient): WebClientFiles {
  let built: Bundles | null = null;
  const current = () => {
    if (built?.version !== client.version) built = build(client);
    return built;
  };
  return {
    answer(path) {
      const bundles = current();
      if (webClientPages.has(path)) return html(200, page(path, client, bundles.names));
      const body = bundles.files.get(path.slice(bundlePrefix.length));
      // A bundle name that is not current (an older hash, a guess) is not there.
      if (body === undefined)
        return { status: 404, body: '', contentType: 'text/plain; charset=utf-8' };
      return { status: 200, body, contentType: 'application/javascript; charset=utf-8' };
    },
    names: () => ({ ...current().names }),
  };
}

function build(client: WebClient): Bundles {
  const ids = client.queryIds();
  const decoys = client.decoyIds();
  const operation = (op: FakeXOperation) =>
    moduleText(ids[op], op, Object.keys(client.features(op)));
  const decoy = (op: string, features: string[]) => moduleText(decoys[op]!, op, features);
  // A prefix-matching or proximity-based parser lands on a neighbour: UserTweetsAndReplies sits right
  // before UserTweets, HomeTimeline before SearchTimeline, each with featureSwitches of its own.
  const profileChunk = chunk('bundle.UserProfile', [
    decoy('UserByRestId', [
      'hidden_profile_subscriptions_enabled',
      'profile_label_improvements_pcf_label_in_post_enabled',
    ]),
    operation('UserByScreenName'),
    decoy('UserTweetsAndReplies', [
      'rweb_video_screen_enabled',
      'responsive_web_grok_annotations_enabled',
    ]),
    operation('UserTweets'),
    decoy('TweetDetail', ['responsive_web_twitter_article_plain_text_enabled']),
  ]);
  const profile = `bundle.UserProfile.${hash(profileChunk)}.js`;
  const vendorText = `"use strict";(self.webpackChunk_twitter_responsive_web=self.webpackChunk_twitter_responsive_web||[]).push([["vendor"],{}]);`;
  const vendor = `vendor.${hash(vendorText)}.js`;
  // main carries the bearer as X's does, and the chunk map the webpack runtime loads chunks by.
  const mainText =
    `(()=>{"use strict";var n={},a="Bearer ${client.bearer}";` +
    `n.u=e=>e+"."+{"bundle.UserProfile":"${profile.split('.')[2]}"}[e]+".js";})();\n` +
    chunk('main', [
      decoy('HomeTimeline', [
        'responsive_web_home_pinned_timelines_enabled',
        'rweb_video_screen_enabled',
      ]),
      operation('SearchTimeline'),
      decoy('SearchTimelineV2Typeahead', ['responsive_web_graphql_timeline_navigation_enabled']),
    ]);
  const main = `main.${hash(mainText)}.js`;
  return {
    version: client.version,
    files: new Map([
      [vendor, vendorText],
      [main, mainText],
      [profile, profileChunk],
    ]),
    names: { vendor, main, profile },
  };
}

/** X's GraphQL operation module, as it appears in the web client's bundles. */
const moduleText = (queryId: string, operationName: string, featureSwitches: string[]) =>
  `e.exports={queryId:"${queryId}",operationName:"${operationName}",operationType:"query",` +
  `metadata:{featureSwitches:${JSON.stringify(featureSwitches)},fieldToggles:["withAuxiliaryUserLabels"]}}`;

/** A webpack chunk of numbered modules. */
function chunk(name: string, modules: string[]) {
  const body = modules
    .map((text, i) => `${10007 + name.length * 101 + i * 7919}:e=>{${text}}`)
    .join(',');
  return `"use strict";(self.webpackChunk_twitter_responsive_web=self.webpackChunk_twitter_responsive_web||[]).push([["${name}"],{${body}}]);`;
}

// webpack's [contenthash]: a file's name changes exactly when its content does.
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

const titles: Record<string, string> = {
  '/': 'X. It’s what’s happening / X',
  '/explore': 'Explore / X',
  '/notifications': 'Notifications / X',
  '/settings/profile': 'Profile / X',
};

/**
 * An x.com page: the bundles as scripts and the web client's initial state, whose
 * featureSwitch.defaultConfig holds a value for every feature an operation requires.
 */
function page(path: string, client: WebClient, names: Bundles['names']) {
  const defaultConfig: Record<string, { value: boolean }> = {};
  for (const op of ['SearchTimeline', 'UserByScreenName', 'UserTweets'] as const) {
    for (const [name, value] of Object.entries(client.features(op)))
      defaultConfig[name] ??= { value };
  }
  const state = {
    optimist: [],
    featureSwitch: {
      defaultConfig,
      user: { config: {}, impressions: {} },
      debug: {},
      featureSetToken: hash(JSON.stringify(defaultConfig)),
      isLoaded: true,
      isLoading: false,
      customOverrides: {},
    },
    settings: { local: { nightMode: 0 } },
  };
  const script = (file: string) =>
    `<script type="text/javascript" charset="utf-8" crossorigin="anonymous" src="${bundleHost}${bundlePrefix}${file}"></script>`;
  return (
    `<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8"><title>${titles[path]}</title>` +
    `<link rel="preload" as="script" crossorigin="anonymous" href="${bundleHost}${bundlePrefix}${names.vendor}">` +
    `</head><body><div id="react-root"></div>` +
    `<script type="text/javascript">window.__INITIAL_STATE__=${JSON.stringify(state).replace(/</g, '\\u003c')};` +
    `window.__META_DATA__={"env":"prod","isLoggedIn":false};</script>` +
    script(names.vendor) +
    script(names.main) +
    script(names.profile) +
    `</body></html>`
  );
}
