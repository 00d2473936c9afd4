/** A child process for upstream-call.bench.ts: answers every request with one demo customer. */
import { createServer } from 'node:http';

const body = JSON.stringify({ id: '1', name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold', createdAt: '2020-01-02T03:04:05Z', address: { city: 'London', country: 'GB' } });
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!(typeof address === 'object' && address ? address.port : 0);
});
process.on('disconnect', () => server.close());
