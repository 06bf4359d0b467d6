/**
 * The pages' static files (assets/), read on first request and kept in memory: importing this file does no I/O.
 */
import { readFile } from 'node:fs/promises';

// A Map, not an object literal: a name such as 'constructor' or '__proto__' must not find Object.prototype's members.
const assetTypes = new Map<string, string>(Object.entries({
  'api.js': 'text/javascript; charset=utf-8',
  'auth.js': 'text/javascript; charset=utf-8',
  'settings.js': 'text/javascript; charset=utf-8',
  'x-dm.js': 'text/javascript; charset=utf-8',
  'connection-words.js': 'text/javascript; charset=utf-8',
  'devices.js': 'text/javascript; charset=utf-8',
  'extension.js': 'text/javascript; charset=utf-8',
  'ui.js': 'text/javascript; charset=utf-8',
  'header.js': 'text/javascript; charset=utf-8',
  'contacts.js': 'text/javascript; charset=utf-8',
  'contact.js': 'text/javascript; charset=utf-8',
  'recent-tweets.js': 'text/javascript; charset=utf-8',
  'notifications.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
}));

export interface Asset {
  body: string;
  contentType: string;
}

export function createAssetReader(dir: URL = new URL('./assets/', import.meta.url)) {
  const cache = new Map<string, Promise<Asset>>();
  return {
    /** The named asset, or null when there is no such asset (only the files listed above are served). */
    get(name: string): Promise<Asset> | null {
      const contentType = assetTypes.get(name);
      if (!contentType) return null;
      let asset = cache.get(name);
      if (!asset) {
        asset = readFile(new URL(name, dir), 'utf8').then((body) => ({ body, contentType }));
        // A failed read is not cached, so the next request tries again.
        asset.catch(() => cache.delete(name));
        cache.set(name, asset);
      }
      return asset;
    },
  };
}
