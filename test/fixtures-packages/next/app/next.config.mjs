// The set-up docs/bundlers.md recommends: the SDKs the agent traces stay
// external (required from node_modules at run time), so the preload's hooks see
// them load. NEXT_BUNDLE_SDKS=1 leaves Next's default (the SDK bundled into the
// server chunks), the case in which the agent can only say it sees nothing.
// NEXT_DIST_DIR lets one test build both into separate folders.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundled = process.env.NEXT_BUNDLE_SDKS === '1';

/** @type {import('next').NextConfig} */
export default {
  distDir: process.env.NEXT_DIST_DIR || '.next',
  serverExternalPackages: bundled ? [] : ['openai', '@anthropic-ai/sdk'],
  // The fixture folder (its own lockfile) is the workspace, not the repository around it.
  turbopack: { root: dirname(dirname(fileURLToPath(import.meta.url))) },
  outputFileTracingRoot: dirname(dirname(fileURLToPath(import.meta.url))),
};
