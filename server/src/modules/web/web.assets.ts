/**
 * The pages' static files, served from memory under content-hashed names (/assets/settings-3F9A1C2B.js) with
 * year-long immutable caching. The scripts are client/*.ts, bundled with esbuild (splitting shared code into
 * chunks, with linked source maps); the stylesheet goes through esbuild too; the favicon is hashed here.
 * Importing this file does no I/O: the build runs on the first load() (the server awaits it at start).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** One page script per page: client/<name>.ts, whose start() wires the page; served as '<name>.js'. */
export const pageScripts = [
  'auth',
  'settings',
  'contacts',
  'contact',
  'notifications',
  'compose',
  'posts',
] as const;

const contentTypes = new Map<string, string>([
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.map', 'application/json; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
]);

export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
}

export interface WebAssets {
  /** The path a page links for a source name ('settings.js', 'style.css', 'favicon.svg'); throws for any other. */
  url(name: string): string;
  /** The file served at /assets/<file>, or null when there is none. */
  get(file: string): Asset | null;
  /** How long the build took, for the start-up log. */
  buildMs: number;
}

export interface WebAssetLoader {
  /** Builds the assets on the first call; every later call gets the same build. */
  load(): Promise<WebAssets>;
}

const webDir = fileURLToPath(new URL('./', import.meta.url));
const clientDir = path.join(webDir, 'client');
const staticDir = path.join(webDir, 'assets');
const pageNamespace = 'perch-page';

/** Each page's entry is made here, so the page modules themselves have no side effects on import (and tests can start them). */
const pageEntries: Plugin = {
  name: pageNamespace,
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${pageNamespace}:`) }, (args) => ({
      path: args.path.slice(pageNamespace.length + 1),
      namespace: pageNamespace,
    }));
    b.onLoad({ filter: /.*/, namespace: pageNamespace }, (args) => ({
      contents: `import { start } from './${args.path}.ts';\nstart();\n`,
      resolveDir: clientDir,
      loader: 'ts',
    }));
  },
};

const etagOf = (body: Uint8Array<ArrayBuffer>) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;

export async function buildWebAssets({
  minify = false,
}: { minify?: boolean } = {}): Promise<WebAssets> {
  const started = performance.now();
  const result = await build({
    entryPoints: [
      ...pageScripts.map((name) => ({ in: `${pageNamespace}:${name}`, out: name })),
      { in: path.join(staticDir, 'style.css'), out: 'style' },
    ],
    absWorkingDir: webDir,
    outdir: staticDir, // nothing is written: write is false, and the names only shape the source maps' paths
    write: false,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    minify,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [pageEntries],
  });
  const files = new Map<string, Asset>();
  const urls = new Map<string, string>();
  const add = (file: string, body: Uint8Array<ArrayBuffer>) => {
    const contentType = contentTypes.get(path.extname(file));
    if (!contentType) throw new Error(`web assets: no content type for ${file}`);
    files.set(file, { body, contentType, etag: etagOf(body) });
  };
  for (const out of result.outputFiles) add(path.basename(out.path), new Uint8Array(out.contents));
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = meta.entryPoint.startsWith(`${pageNamespace}:`)
      ? `${meta.entryPoint.slice(pageNamespace.length + 1)}.js`
      : path.basename(meta.entryPoint);
    urls.set(name, `/assets/${path.basename(file)}`);
  }
  const favicon = new Uint8Array(await readFile(path.join(staticDir, 'favicon.svg')));
  const faviconFile = `favicon-${createHash('sha256').update(favicon).digest('hex').slice(0, 8)}.svg`;
  add(faviconFile, favicon);
  urls.set('favicon.svg', `/assets/${faviconFile}`);

  return {
    url(name) {
      const url = urls.get(name);
      if (!url) throw new Error(`There is no page asset named ${name}.`);
      return url;
    },
    // A Map, not an object literal: a name such as 'constructor' or '__proto__' must not find Object.prototype's members.
    get: (file) => files.get(file) ?? null,
    buildMs: Math.round(performance.now() - started),
  };
}

export function createWebAssetLoader(options: { minify?: boolean } = {}): WebAssetLoader {
  let built: Promise<WebAssets> | undefined;
  return {
    load() {
      built ??= buildWebAssets(options);
      // A failed build is not kept, so the next request tries again (after the source is fixed).
      built.catch(() => (built = undefined));
      return built;
    },
  };
}
