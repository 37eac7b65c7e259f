// What every spawning reliability file sets up: a private build of the package,
// a fake provider, and a collector of each test's own (the tests of a file run
// concurrently), all closed when the file is done.
import { afterAll, beforeAll } from 'vitest';
import { startFakeProvider } from '../harness/fake-provider.mjs';
import { startCollector } from '../harness/collector.mjs';
import { buildDist } from './helpers.mjs';

/**
 * @param {string} name the private build's name (see buildDist)
 */
export function reliabilitySuite(name) {
  /** @type {Awaited<ReturnType<typeof startCollector>>[]} */
  const collectors = [];
  const suite = {
    /** The private build's dist folder, once beforeAll has run. */
    dist: '',
    /** @type {Awaited<ReturnType<typeof startFakeProvider>>} */
    provider: /** @type {any} */ (undefined),
    /** A collector for one test, closed after the file. */
    async collector() {
      const c = await startCollector();
      collectors.push(c);
      return c;
    },
  };
  beforeAll(async () => {
    suite.dist = buildDist(name);
    suite.provider = await startFakeProvider({ recordRequests: false });
  });
  afterAll(async () => {
    await Promise.all(collectors.map((c) => c.close()));
    await suite.provider?.close();
  });
  return suite;
}
