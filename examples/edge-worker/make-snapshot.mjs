#!/usr/bin/env node
// Generates the edge worker's signed snapshots and the credentials that go with them:
//
//   snapshot/default.json      the bundled default snapshot (revision 100), signed
//   fixtures/newer.json        revision 101: the standard organization token is deleted
//   fixtures/older.json        revision 99: must be ignored by a worker on revision 100 or later
//   fixtures/tampered.json     revision 102 text edited after signing (signature of the original)
//   fixtures/unsigned.json     revision 102 without a signature
//   fixtures/wrong-key.json    revision 102 signed by a key the worker does not trust
//   fixtures/signed-invalid.json  revision 102, correctly signed, but not a valid snapshot
//   fixtures/tokens.json       the demo credentials (opaque and signed) and what each one is
//
// Every file is an envelope `{ "snapshot": "<snapshot JSON text>", "signature": "<base64url>" }`:
// the signature covers the exact text, so the text travels as a string.
//
// DEMO ONLY: the snapshot key in snapshot/demo-key.json and the token-signing seed below are
// committed so that the example and its tests are reproducible. A real deployment generates its
// own key (`Scopegate.generateSigningKey`), keeps the private half with the publisher, and gives
// the worker only the public key.
//
// Usage: node make-snapshot.mjs           (re)writes the files
//        node make-snapshot.mjs --check   fails if a committed file differs from a fresh run
// Needs the web build: ../../scripts/build-web.sh (target/web/scopegate.js + scopegate_bg.wasm).
import { createHash, createPrivateKey, sign as edSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const web = join(repo, 'target', 'web');

/** The web build, loaded synchronously from the files with initSync. */
async function loadScopegate() {
  // A private copy with an .mjs name, so that Node reads it as an ES module wherever it sits.
  const dir = mkdtempSync(join(tmpdir(), 'scopegate-web-'));
  try {
    copyFileSync(join(web, 'scopegate.js'), join(dir, 'scopegate.mjs'));
    const mod = await import(pathToFileURL(join(dir, 'scopegate.mjs')).href);
    mod.initSync({ module: readFileSync(join(web, 'scopegate_bg.wasm')) });
    return mod.Scopegate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const sha256 = (text) => createHash('sha256').update(text).digest();
const sha256hex = (text) => createHash('sha256').update(text).digest('hex');

/** An Ed25519 private key object from a 32-byte seed (PKCS#8 wrapping of the raw seed). */
function ed25519FromSeed(seed) {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
const publicKeyOf = (key) => Buffer.from(key.export({ format: 'jwk' }).x, 'base64url');

// ---- keys (DEMO ONLY) --------------------------------------------------------------------------

const snapshotKey = JSON.parse(readFileSync(join(here, 'snapshot', 'demo-key.json'), 'utf8'));
const tokenSeed = sha256('scopegate edge-worker demo token-signing key (demo only)');
const tokenKey = ed25519FromSeed(tokenSeed);
const otherSnapshotSeed = sha256('a snapshot key the edge worker does not trust');

const ISSUER = 'https://scopegate.example/edge-demo';
const AUDIENCE = 'edge-gateway';
const KID = 'edge-demo-1';
const FAR = 4102444800; // 2100-01-01: valid tokens never expire during a test run
const PAST = 1600000000; // 2020-09-13: expired tokens stay expired

// ---- credentials --------------------------------------------------------------------------------

/** A deterministic opaque token `pul-` + 40 hex, and the digest the snapshot stores. */
function opaque(name) {
  const token = `pul-${sha256hex(`scopegate edge-worker demo token ${name}`).slice(0, 40)}`;
  return { token, digest: sha256hex(token) };
}

/** A compact JWS signed with the demo token key (or with `alg`/`kid` overridden, unsigned for `none`). */
function jwt(claims, { kid = KID, alg = 'EdDSA', tamper } = {}) {
  const header = b64url(JSON.stringify({ alg, kid, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const input = `${header}.${payload}`;
  const signature = alg === 'none' ? '' : b64url(edSign(null, Buffer.from(input), tokenKey));
  if (tamper) return `${header}.${b64url(JSON.stringify({ ...claims, ...tamper }))}.${signature}`;
  return `${input}.${signature}`;
}

const claims = (extra) => ({ iss: ISSUER, aud: AUDIENCE, iat: 1767225600, nbf: 1767225600, exp: FAR, ...extra });

const o = {
  root: opaque('pat-root'),
  mia: opaque('pat-mia'),
  miaExpired: opaque('pat-mia-expired'),
  miaDeleted: opaque('pat-mia-deleted'),
  olga: opaque('pat-olga'),
  team: opaque('tok-team'),
  idle: opaque('tok-idle'),
  admin: opaque('tok-admin'),
  std: opaque('tok-std'),
  globexForever: opaque('tok-globex-forever'),
  unknown: opaque('not-in-any-snapshot'),
};

/**
 * Every demo credential with what it is. `expect`: the token error code it must produce
 * (`error`), or the identity it authenticates as. `org`: the organization to present it to.
 */
const credentials = {
  'opaque-root': { credential: o.root.token, what: 'personal token of root, an acme admin and a globex member', expect: { principal: 'token:pat-root' } },
  'opaque-mia': { credential: o.mia.token, what: 'personal token of mia, an acme member', expect: { principal: 'token:pat-mia' } },
  'opaque-olga': { credential: o.olga.token, what: 'personal token of olga, admin of globex, not in acme', expect: { principal: 'token:pat-olga' } },
  'opaque-team': { credential: o.team.token, what: 'team token of acme/crew (ADMIN on app/prod)', expect: { principal: 'token:tok-team' } },
  'opaque-idle': { credential: o.idle.token, what: 'team token of acme/idle (no grants)', expect: { principal: 'token:tok-idle' } },
  'opaque-admin': { credential: o.admin.token, what: 'admin organization token of acme', expect: { principal: 'token:tok-admin' } },
  'opaque-std': { credential: o.std.token, what: 'standard (Member) organization token of acme', expect: { principal: 'token:tok-std' } },
  'signed-admin': {
    credential: jwt(claims({ jti: 'jwt-admin-1', kind: 'organization', org: 'acme', sub: 'edge-admin', role: 'admin' })),
    what: 'signed admin organization token of acme (no record: acts by its claims)',
    expect: { principal: null, kind: 'organization', organization: 'acme', subject: 'admin' },
  },
  'signed-team': {
    credential: jwt(claims({ jti: 'jwt-team-1', kind: 'team', org: 'acme', sub: 'crew' })),
    what: 'signed team token of acme/crew',
    expect: { principal: null, kind: 'team', organization: 'acme', subject: 'crew' },
  },
  'signed-mia': {
    credential: jwt(claims({ jti: 'jwt-mia-1', kind: 'personal', sub: 'mia' })),
    what: 'signed personal token of mia',
    expect: { principal: 'user:mia', kind: 'personal', subject: 'mia' },
  },
  // Refused credentials, one or more per token error code.
  'missing-header': { credential: null, what: 'no Authorization header', expect: { error: 'malformed_token' } },
  'basic-scheme': { credential: `Basic ${o.root.token}`, what: 'a scheme other than token/Bearer', expect: { error: 'malformed_token' } },
  'opaque-short': { credential: `token ${o.root.token.slice(0, -1)}`, what: 'an opaque token one character short', expect: { error: 'malformed_token' } },
  'opaque-unknown': { credential: `token ${o.unknown.token}`, what: 'well-formed, in no snapshot', expect: { error: 'unknown_token' } },
  'opaque-expired': { credential: `token ${o.miaExpired.token}`, what: 'mia’s token that expired in 2020', expect: { error: 'token_expired' } },
  'opaque-deleted': { credential: `token ${o.miaDeleted.token}`, what: 'mia’s deleted token', expect: { error: 'token_revoked' } },
  'signed-expired': {
    credential: jwt(claims({ jti: 'jwt-expired-1', kind: 'team', org: 'acme', sub: 'crew', exp: PAST, nbf: PAST - 3600, iat: PAST - 3600 })),
    what: 'signed team token that expired in 2020',
    expect: { error: 'token_expired' },
  },
  'signed-not-yet-valid': {
    credential: jwt(claims({ jti: 'jwt-future-1', kind: 'team', org: 'acme', sub: 'crew', nbf: 4000000000 })),
    what: 'signed team token valid from 2096',
    expect: { error: 'token_not_yet_valid' },
  },
  'signed-revoked': {
    credential: jwt(claims({ jti: 'jwt-revoked-1', kind: 'team', org: 'acme', sub: 'crew' })),
    what: 'signed team token whose id is in revokedTokenIds',
    expect: { error: 'token_revoked' },
  },
  'signed-tampered': {
    credential: jwt(claims({ jti: 'jwt-member-1', kind: 'organization', org: 'acme', sub: 'edge-member', role: 'member' }), { tamper: { role: 'admin' } }),
    what: 'a Member organization token whose role was changed to admin after signing',
    expect: { error: 'bad_signature' },
  },
  'signed-unknown-kid': {
    credential: jwt(claims({ jti: 'jwt-team-2', kind: 'team', org: 'acme', sub: 'crew' }), { kid: 'edge-demo-9' }),
    what: 'a key id the snapshot does not configure',
    expect: { error: 'unknown_key' },
  },
  'signed-alg-none': {
    credential: jwt(claims({ jti: 'jwt-team-3', kind: 'team', org: 'acme', sub: 'crew' }), { alg: 'none' }),
    what: 'alg none with an empty signature',
    expect: { error: 'algorithm_not_allowed' },
  },
  'signed-no-jti': {
    credential: jwt(claims({ kind: 'team', org: 'acme', sub: 'crew' })),
    what: 'no jti claim',
    expect: { error: 'invalid_claims' },
  },
  // A jti must be a token id: these once reached header forwarding (x-scopegate-token-id).
  'signed-jti-crlf': {
    credential: jwt(claims({ jti: 'jwt-team-1\r\nx-scopegate-principal: user:root', kind: 'team', org: 'acme', sub: 'crew' })),
    what: 'a jti holding CR/LF (a header injection attempt)',
    expect: { error: 'invalid_claims' },
  },
  'signed-jti-nul': {
    credential: jwt(claims({ jti: 'jwt-team-1\u0000', kind: 'team', org: 'acme', sub: 'crew' })),
    what: 'a jti holding NUL',
    expect: { error: 'invalid_claims' },
  },
  'signed-jti-empty': {
    credential: jwt(claims({ jti: '', kind: 'team', org: 'acme', sub: 'crew' })),
    what: 'an empty jti (a token that could never be revoked)',
    expect: { error: 'invalid_claims' },
  },
  'signed-wrong-issuer': {
    credential: jwt(claims({ jti: 'jwt-team-4', kind: 'team', org: 'acme', sub: 'crew', iss: 'https://elsewhere.example' })),
    what: 'another issuer',
    expect: { error: 'invalid_issuer' },
  },
  'signed-wrong-audience': {
    credential: jwt(claims({ jti: 'jwt-team-5', kind: 'team', org: 'acme', sub: 'crew', aud: 'another-service' })),
    what: 'another audience',
    expect: { error: 'invalid_audience' },
  },
  'opaque-globex-forever': {
    credential: `token ${o.globexForever.token}`,
    org: 'globex',
    what: 'a never-expiring globex token; globex caps token lifetime at 30 days',
    expect: { error: 'expiry_policy_violation' },
  },
  'opaque-std-at-globex': {
    credential: `token ${o.std.token}`,
    org: 'globex',
    what: 'an acme organization token presented to globex',
    expect: { error: 'wrong_organization' },
  },
};

// ---- the demo world -----------------------------------------------------------------------------

/** The demo snapshot at a revision; `change` edits the object first. */
function world(revision, change = (w) => w) {
  const w = {
    version: 1,
    revision,
    signing: {
      issuer: ISSUER,
      audience: AUDIENCE,
      leewaySeconds: 60,
      keys: [{ kid: KID, alg: 'EdDSA', publicKey: b64url(publicKeyOf(tokenKey)) }],
    },
    revokedTokenIds: ['jwt-revoked-1'],
    users: [
      { login: 'root', name: 'Root Admin', tokens: [{ id: 'pat-root', description: 'laptop', digest: o.root.digest, created: 1767225600, expires: 0 }] },
      {
        login: 'mia',
        name: 'Mia Member',
        tokens: [
          { id: 'pat-mia', description: 'ci', digest: o.mia.digest, created: 1767225600, expires: 0 },
          { id: 'pat-mia-expired', description: 'old laptop', digest: o.miaExpired.digest, created: PAST - 86400, expires: PAST },
          { id: 'pat-mia-deleted', description: 'leaked', digest: o.miaDeleted.digest, created: 1767225600, expires: 0, deleted: true },
        ],
      },
      { login: 'olga', name: 'Olga Outsider', tokens: [{ id: 'pat-olga', digest: o.olga.digest, created: 1767225600, expires: 0 }] },
    ],
    organizations: [
      {
        name: 'acme',
        members: [
          { login: 'root', role: 'admin' },
          { login: 'mia', role: 'member' },
        ],
        teams: [
          { name: 'crew', displayName: 'Crew', stacks: { 'app/prod': 'admin' } },
          { name: 'idle', displayName: 'Idle' },
        ],
        stacks: [
          { project: 'app', name: 'prod', tags: { env: 'prod' }, creator: { user: 'root' } },
          { project: 'app', name: 'dev', tags: { env: 'dev' }, creator: { user: 'root' } },
        ],
        // Named like a stack and a team: an id alone does not say which kind it is (AuthZEN types do).
        environments: [{ project: 'app', name: 'prod' }],
        accounts: [{ name: 'crew' }],
        tokens: [
          { id: 'tok-team', kind: 'team', name: 'crew-ci', team: 'crew', digest: o.team.digest, created: 1767225600, expires: 0, createdBy: 'root' },
          { id: 'tok-idle', kind: 'team', name: 'idle-ci', team: 'idle', digest: o.idle.digest, created: 1767225600, expires: 0, createdBy: 'root' },
          { id: 'tok-admin', kind: 'organization', name: 'admin-ci', role: 'admin', digest: o.admin.digest, created: 1767225600, expires: 0, createdBy: 'root' },
          { id: 'tok-std', kind: 'organization', name: 'std-ci', role: 'member', digest: o.std.digest, created: 1767225600, expires: 0, createdBy: 'root' },
        ],
      },
      {
        name: 'globex',
        settings: { tokenExpiryPolicyDays: 30 },
        members: [
          { login: 'olga', role: 'admin' },
          { login: 'root', role: 'member' },
        ],
        stacks: [{ project: 'web', name: 'prod' }],
        tokens: [
          { id: 'tok-globex-forever', kind: 'organization', name: 'legacy-ci', role: 'member', digest: o.globexForever.digest, created: 1767225600, expires: 0, createdBy: 'olga' },
        ],
      },
    ],
  };
  return change(w);
}

const tokenRecord = (w, id) => w.organizations[0].tokens.find((t) => t.id === id);

// ---- envelopes ----------------------------------------------------------------------------------

function build(Scopegate) {
  const sign = (text, key = snapshotKey.privateKey) => Scopegate.signSnapshot(text, key);
  const envelope = (text, signature) => (signature === undefined ? { snapshot: text } : { snapshot: text, signature });
  const signed = (w) => {
    const text = JSON.stringify(w);
    return envelope(text, sign(text));
  };

  const files = {};
  files['snapshot/default.json'] = signed(world(100));
  files['fixtures/newer.json'] = signed(
    world(101, (w) => {
      tokenRecord(w, 'tok-std').deleted = true;
      return w;
    }),
  );
  files['fixtures/older.json'] = signed(
    world(99, (w) => {
      tokenRecord(w, 'tok-team').deleted = true;
      return w;
    }),
  );
  {
    // Signed as revision 102 with a Member token, then edited to make that token an admin.
    const text = JSON.stringify(world(102));
    const signature = sign(text);
    const forged = text.replace('"name":"std-ci","role":"member"', '"name":"std-ci","role":"admin"');
    if (forged === text) throw new Error('tampering did not change the text');
    files['fixtures/tampered.json'] = envelope(forged, signature);
  }
  files['fixtures/unsigned.json'] = envelope(JSON.stringify(world(102)));
  {
    const other = ed25519FromSeed(otherSnapshotSeed);
    const text = JSON.stringify(world(102));
    files['fixtures/wrong-key.json'] = envelope(text, sign(text, b64url(otherSnapshotSeed)));
    // The other key really is another key.
    if (b64url(publicKeyOf(other)) === snapshotKey.publicKey) throw new Error('keys collide');
  }
  {
    const text = JSON.stringify({ ...world(102), unexpected: true });
    files['fixtures/signed-invalid.json'] = envelope(text, sign(text));
  }
  files['fixtures/tokens.json'] = {
    description:
      'DEMO ONLY. The credentials of snapshot/default.json (revision 100), generated by make-snapshot.mjs. ' +
      '`expect.error` is the token error code a credential must produce; otherwise `expect` describes who it authenticates as. ' +
      '`org`: the organization to present it to (default acme).',
    credentials,
  };

  // Self-check: every signed file loads under the demo public key, the bad ones do not.
  for (const [name, env] of Object.entries(files)) {
    if (!('snapshot' in env)) continue;
    let loaded = null;
    try {
      loaded = Scopegate.fromSignedSnapshot(env.snapshot, env.signature ?? '', snapshotKey.publicKey);
    } catch (e) {
      loaded = e;
    }
    const shouldLoad = ['snapshot/default.json', 'fixtures/newer.json', 'fixtures/older.json'].includes(name);
    if (shouldLoad !== !(loaded instanceof Error)) throw new Error(`${name}: ${shouldLoad ? 'does not load' : 'loads'} (${loaded?.code ?? ''})`);
    if (!(loaded instanceof Error)) loaded.free();
  }
  return files;
}

const Scopegate = await loadScopegate();
const files = build(Scopegate);
const check = process.argv.includes('--check');
let stale = 0;
for (const [name, value] of Object.entries(files)) {
  const path = join(here, name);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (check) {
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {}
    if (old !== text) {
      console.error(`stale: ${name} (run node make-snapshot.mjs)`);
      stale += 1;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${name}`);
  }
}
if (check) {
  if (stale) process.exit(1);
  console.log(`make-snapshot: ${Object.keys(files).length} files up to date`);
}
