/** The package's own version, for the tracer scope and the resource. */
export const PACKAGE_NAME = '@catalyst/tracing';
// dist/src/version.js sits two folders below the package root in the built layout, as src/version.ts does in the source tree.
export const PACKAGE_VERSION: string = (require('../../package.json') as { version: string }).version;
