// A bare OTLP/HTTP sink for the throughput run: answers every POST at once with
// an empty success and only counts requests and bytes, so the figure measures
// the exporting process, not a collector decoding what it receives (the test
// harness's collector decodes every span before it answers).
import { createServer } from 'node:http';

export async function startSink() {
  const stats = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d) => (bytes += d.length));
    req.on('end', () => {
      stats.requests++;
      stats.bytes += bytes;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  return {
    url,
    stats,
    reset() {
      stats.requests = 0;
      stats.bytes = 0;
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    },
  };
}

/** A loopback port nobody listens on: connections to it are refused at once (the endpoint is down). */
export async function closedPortUrl() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return `http://127.0.0.1:${port}`;
}
