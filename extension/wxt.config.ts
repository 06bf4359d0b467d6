import { defineConfig } from 'wxt';
import { extensionManifestKey } from '@perch/shared';
import { serverPatterns } from './utils/server-patterns';

// Read once at build time: the servers this build may pair with (see the contract, "Extension").
const servers = serverPatterns(process.env.PERCH_SERVER_ORIGINS || undefined);

export default defineConfig({
  manifestVersion: 3,
  browser: 'chrome',
  imports: false,
  // The end-to-end tests build their own copy, so they never overwrite the one a user loaded into Chrome.
  outDir: process.env.PERCH_EXTENSION_OUT_DIR || '.output',
  manifest: {
    name: 'Perch',
    description: 'Keeps your x.com cookies on your own Perch server, up to date.',
    // The key pins the extension id, so the server and the settings page know exactly which extension to trust.
    key: extensionManifestKey,
    // tabs.create (x.com/login) needs no "tabs" permission; we never read other tabs' URLs.
    permissions: ['cookies', 'storage', 'alarms'],
    host_permissions: ['https://x.com/*', ...servers],
    externally_connectable: { matches: servers },
    action: { default_title: 'Perch' },
  },
});
