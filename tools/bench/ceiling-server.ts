import { readFileSync } from 'node:fs';
import http from 'node:http';

/**
 * The ceiling for `npm run bench`: a bare Node `http` server that reads each request's body and
 * answers with the same precomputed body and headers the gateway sent for it (but its request id). Nothing a GraphQL
 * server does can be faster on this machine. Usage: `tsx ceiling-server.ts <port> <response.json>`,
 * where the file holds `{ "headers": {…}, "body": "…" }`.
 */
const [port, responseFile] = process.argv.slice(2);
const { headers, body } = JSON.parse(readFileSync(responseFile, 'utf8')) as { headers: Record<string, string>; body: string };
const payload = Buffer.from(body);
const head = { ...headers, 'content-length': String(payload.length) };

http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, head);
    res.end(payload);
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
