import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runSlice, summarize } from '../lib/load.ts';

/**
 * A bench row measured in slices must read as one run: counts summed, RPS over the total time,
 * and percentiles from the merged latency histograms. Averaging the slices' percentiles would put
 * the p50 of "many quick answers + a few 100 ms ones" halfway between them.
 */
let server: Server;
let url: string;
/** What the server received, in order: method, path and body of each request. */
const received: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => received.push(`${req.method} ${req.url} ${body}`));
    // 110 ms for answers asserted to take at least 100: a timer counts from the event loop's
    // cached time, which can be a few ms before the request arrived, so it may fire that much early.
    const delayMs = req.url === '/slow' ? 110 : 5;
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test('slices of one row merge into one result', async () => {
  const quick = await runSlice({ url: `${url}/quick`, method: 'GET', connections: 1, duration: 0.3 });
  const slow = await runSlice({ url: `${url}/slow`, method: 'GET', connections: 4, duration: 0.5 });
  const merged = summarize([quick, slow], { url, connections: 4 });

  expect(merged.requests).toBe(quick.totalCompletedRequests + slow.totalCompletedRequests);
  expect(merged.sent).toBe(quick.totalRequests + slow.totalRequests);
  expect(merged.sent).toBeGreaterThanOrEqual(merged.requests);
  expect(merged.rps).toBeCloseTo(merged.requests / (quick.duration + slow.duration), 6);
  expect(merged.errors).toBe(0);
  expect(merged.non2xx).toBe(0);
  // Each run keeps its own RPS, in order: the quick run answered far more per second than the slow one.
  expect(merged.runRps).toEqual([quick.totalCompletedRequests / quick.duration, slow.totalCompletedRequests / slow.duration]);
  expect(merged.runRps[0]).toBeGreaterThan(merged.runRps[1]!);
  // Quick answers are most of the requests, and every slow one took at least 100 ms.
  expect(quick.totalCompletedRequests).toBeGreaterThan(slow.totalCompletedRequests);
  expect(merged.p50).toBeLessThan(100);
  expect(merged.p99).toBeGreaterThanOrEqual(100);
});

test('a single slice is summarised as it is', async () => {
  const only = await runSlice({ url: `${url}/slow`, method: 'GET', connections: 2, duration: 0.3 });
  const result = summarize([only], { url, connections: 2 });
  expect(result.requests).toBe(only.totalCompletedRequests);
  expect(result.p50).toBeGreaterThanOrEqual(100);
  expect(() => summarize([], { url, connections: 2 })).toThrow('at least one run');
});

test('requests are sent in turn across all connections, each with its own path and body', async () => {
  received.length = 0;
  const requests = ['a', 'b', 'c'].map((name) => ({ path: `/quick?v=${name}`, body: `{"v":"${name}"}` }));
  const only = await runSlice({ url: `${url}/quick`, method: 'POST', body: 'unused', connections: 3, duration: 0.3, requests });
  expect(only.totalRequests).toBeGreaterThan(6);
  expect(received.length).toBeGreaterThan(6);
  // Every request is one of the three, and the three take turns: never one far ahead of the others.
  const counts = requests.map((r) => received.filter((line) => line === `POST ${r.path} ${r.body}`).length);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(received.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(6);
});
