// The React test page: scopegate/react over a live Scopegate instance, bundled by esbuild from
// the packed package and React from npm. It renders probes, counts each probe's renders, and
// exposes the steps the test drives (a signed delta from an origin instance) on window.
import init, { Scopegate } from 'scopegate';
import { Can, ScopegateProvider, useCan, useExplain, useSearchResources } from 'scopegate/react';
import { createElement as h, useEffect } from 'react';
import { createRoot } from 'react-dom/client';

const renders = {};
const count = (id) => {
  renders[id] = (renders[id] ?? 0) + 1;
};

function CanProbe({ id, principal, scope, resource }) {
  count(id);
  return h('span', { id }, String(useCan(principal, scope, resource)));
}

function ExplainProbe({ id, principal, scope, resource }) {
  count(id);
  const decision = useExplain(principal, scope, resource);
  return h('span', { id }, decision.allowed ? 'allowed' : decision.deny.code);
}

function SearchProbe({ id, principal, scope, organization }) {
  count(id);
  const page = useSearchResources(principal, scope, organization);
  return h('span', { id }, page.ids.join(','));
}

function Gated() {
  count('gated');
  return h('button', { id: 'gated' }, 'Promote');
}

function App({ onReady }) {
  useEffect(onReady, []);
  return h(
    'div',
    null,
    h(Can, {
      principal: 'nora',
      scope: 'stack:write',
      resource: 'acme/network/prod',
      fallback: h('span', { id: 'fallback' }, 'read only'),
      children: h(Gated),
    }),
    h(CanProbe, { id: 'max-web', principal: 'max', scope: 'stack:write', resource: 'acme/website/prod' }),
    h(CanProbe, { id: 'nora-read', principal: 'nora', scope: 'stack:read', resource: 'acme/identity/prod' }),
    h(ExplainProbe, { id: 'tess-delete', principal: 'tess', scope: 'stack:delete', resource: 'acme/network/staging' }),
    h(SearchProbe, { id: 'nora-writable', principal: 'nora', scope: 'stack:write', organization: 'acme' }),
  );
}

window.__start = async (snapshot) => {
  await init({ module_or_path: '/scopegate/web/scopegate_bg.wasm' });
  const key = Scopegate.generateSigningKey('origin');
  const origin = new Scopegate(snapshot);
  const edge = new Scopegate(snapshot);
  const root = createRoot(document.getElementById('root'));
  await new Promise((resolve) => root.render(h(ScopegateProvider, { engine: edge }, h(App, { onReady: resolve }))));
  window.__renders = renders;
  // The origin grants the web team write on network/prod and publishes the delta; the edge
  // instance the page renders from applies it.
  window.__grant = () => {
    const base = edge.revision;
    origin.setTeamPermission('ada', 'acme', 'web', 'stack', 'network/prod', 'write');
    const delta = origin.changesSince(base);
    const signature = Scopegate.signSnapshot(delta, key.privateKey);
    edge.applyDelta(delta, signature, key.publicKey);
    return { before: String(base), after: String(edge.revision) };
  };
};
