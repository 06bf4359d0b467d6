/**
 * Builds the extension once for the end-to-end tests and benchmarks (default origins: any 127.0.0.1 port),
 * into its own folder so a copy loaded into someone's Chrome is left alone.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const e2eExtensionOutDir = '.output-e2e';

export function buildExtensionForTests() {
  execFileSync('pnpm', ['--filter', '@perch/extension', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PERCH_EXTENSION_OUT_DIR: e2eExtensionOutDir, PERCH_SERVER_ORIGINS: '' },
  });
}

export default function setup() {
  buildExtensionForTests();
}
