import { createServer, type Server, type ServerResponse } from 'node:http';
import type { GatewayMetrics } from '../observability/metrics.ts';

/** Answers a scrape: the registry's exposition text (gauges read their sources now). */
export function serveMetrics(metrics: GatewayMetrics, res: ServerResponse): void {
  metrics.text().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
    () => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('metrics collection failed\n');
    },
  );
}

/**
 * `metrics.port`: /metrics on a port of its own, so scrapes never queue behind GraphQL traffic
 * and the port can stay inside the cluster while /graphql is exposed.
 */
export function createMetricsServer(metrics: GatewayMetrics): Server {
  return createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0];
    if (pathname === '/metrics') return serveMetrics(metrics, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found. Metrics are at /metrics.\n');
  });
}
