#!/usr/bin/env node
// A tiny static file server for the sample site, bound to 127.0.0.1 only.
//   node scripts/serve.mjs [dir]      (dir defaults to www; port from $PORT, default 8080, 0 = any free port)
// Prints the URL on its first line of output, so scripts and tests can read it.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const root = resolve(process.argv[2] ?? 'www');
const port = Number(process.env.PORT ?? 8080);
const host = '127.0.0.1';

async function find(pathname) {
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const file = resolve(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return null; // no escaping the site
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) return find(join(path, 'index.html'));
  return info?.isFile() ? file : null;
}

const server = createServer(async (req, res) => {
  const send = (status, body, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  const file = await find(pathname);
  if (!file) return send(404, 'not found\n');
  try {
    send(200, await readFile(file), TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  } catch {
    send(500, 'read error\n');
  }
});

server.listen(port, host, () => {
  const { port: bound } = server.address();
  console.log(`http://${host}:${bound}/`);
  console.log(`serving ${root} (Ctrl-C stops)`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
