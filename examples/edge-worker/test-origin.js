// A snapshot origin (and upstream API) that the workerd tests control. Test use only.
//
//   POST /control?channel=<c>  { "serve": "<variant>" }   what /snapshot answers on that channel
//   GET  /snapshot?channel=<c>                            the envelope, or a failure
//   GET  /stats?channel=<c>                               { serve, hits }
//   anything else                                          echoed back as JSON (the upstream)
//
// Variants: the envelopes of make-snapshot.mjs (default, newer, older, tampered, unsigned,
// wrong-key, signed-invalid), and error (503), garbage (200, not JSON), not-envelope (200, JSON
// of another shape), hang (answers after 3 s). Envelopes carry an ETag and honour If-None-Match.
import defaultSnapshot from './snapshot/default.json';
import newer from './fixtures/newer.json';
import older from './fixtures/older.json';
import tampered from './fixtures/tampered.json';
import unsigned from './fixtures/unsigned.json';
import wrongKey from './fixtures/wrong-key.json';
import signedInvalid from './fixtures/signed-invalid.json';

const ENVELOPES = {
  default: defaultSnapshot,
  newer,
  older,
  tampered,
  unsigned,
  'wrong-key': wrongKey,
  'signed-invalid': signedInvalid,
};

const channels = new Map();
const channel = (name) => {
  if (!channels.has(name)) channels.set(name, { serve: 'default', hits: 0 });
  return channels.get(name);
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const state = channel(url.searchParams.get('channel') ?? 'main');
    if (url.pathname === '/control' && request.method === 'POST') {
      const { serve } = await request.json();
      state.serve = serve;
      return Response.json({ ok: true, serve });
    }
    if (url.pathname === '/stats') return Response.json(state);
    if (url.pathname === '/snapshot') {
      state.hits += 1;
      switch (state.serve) {
        case 'error':
          return new Response('origin is down', { status: 503 });
        case 'garbage':
          return new Response('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } });
        case 'not-envelope':
          return Response.json({ version: 1, revision: 500 });
        case 'hang':
          await new Promise((resolve) => setTimeout(resolve, 3000));
          return Response.json(ENVELOPES.newer);
        default: {
          const envelope = ENVELOPES[state.serve];
          if (!envelope) return new Response(`unknown variant ${state.serve}`, { status: 500 });
          const etag = `"${state.serve}"`;
          if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
          return Response.json(envelope, { headers: { etag } });
        }
      }
    }
    // The upstream API: echo what arrived.
    return Response.json(
      {
        upstream: true,
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body: request.method === 'GET' || request.method === 'HEAD' ? null : await request.text(),
      },
      { headers: { 'cache-control': 'private, max-age=0' } },
    );
  },
};
