// Whether OTel's OTLP serializers (dist/vendor/otlp-http.js) are loaded: after
// start-up, after a span, and after the first export. Prints `LOADED {...}`.
'use strict';
const { join } = require('node:path');
const loaded = () => Object.keys(require.cache).some((f) => f.endsWith(join('vendor', 'otlp-http.js')));
const steps = { atStart: loaded() };
const { agentSpan, handle } = require(join(process.env.CATALYST_DIST, 'index.js'));
agentSpan({ name: 'lazy' }, () => 'done');
steps.afterSpan = loaded();
handle()
  .forceFlush()
  .then(() => {
    steps.afterExport = loaded();
    process.stdout.write(`LOADED ${JSON.stringify(steps)}\n`);
  });
