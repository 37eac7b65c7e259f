/** The package's own version, for the tracer scope and the resource (inlined by the bundler). */
export const PACKAGE_NAME = '@catalyst/tracing';
export const PACKAGE_VERSION: string = (require('../package.json') as { version: string }).version;
