// The packed npm package, installed into a scratch project and used as a user would: ESM and
// CommonJS entries under Node, the browser/workerd entry under Node, questions on the demo
// snapshot, the error shape, management refusals and releasing the engine.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demo, importFrom, nowSeconds, repo, scratchProject, throwsScopegate } from './helpers.mjs';

let project;
let esm; // what `import ... from 'scopegate'` gives a Node user
let cjs; // what `require('scopegate')` gives a Node user
let requireFromProject;

before(async () => {
  project = scratchProject();
  esm = await importFrom(
    project.dir,
    'entry.mjs',
    `import init, * as scopegate from 'scopegate';
export { init, scopegate };
export const resolved = import.meta.resolve('scopegate');
`,
  );
  requireFromProject = createRequire(join(project.dir, 'index.cjs'));
  cjs = requireFromProject('scopegate');
});
after(() => project?.cleanup());

const sorted = (xs) => [...xs].sort();

describe('package layout', () => {
  test('the manifest: name, Cargo version, ESM, conditions, no dependencies', () => {
    const manifest = JSON.parse(readFileSync(join(project.dir, 'node_modules/scopegate/package.json'), 'utf8'));
    const cargoVersion = /^\[package\][\s\S]*?^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(repo, 'Cargo.toml'), 'utf8'))[1];
    assert.equal(manifest.name, 'scopegate');
    assert.equal(manifest.version, cargoVersion);
    assert.equal(manifest.type, 'module');
    // Only the entry points count as having effects (the Node ones load the module).
    assert.deepEqual(manifest.sideEffects, ['./web/index.js', './node.cjs', './node.mjs']);
    assert.equal(manifest.license, 'Apache-2.0');
    assert.equal(manifest.dependencies, undefined);
    const root = manifest.exports['.'];
    assert.deepEqual(Object.keys(root), ['workerd', 'browser', 'node', 'default']);
    // Each condition names its types first: ESM types for `import`, CommonJS types for `require`.
    const web = { types: './web/index.d.ts', default: './web/index.js' };
    for (const condition of ['workerd', 'browser', 'default']) assert.deepEqual(root[condition], web, condition);
    assert.deepEqual(root.node, {
      import: { types: './web/index.d.ts', default: './node.mjs' },
      require: { types: './node.d.cts', default: './node.cjs' },
    });
    const wasm = { types: './web/scopegate_bg.wasm.d.ts', default: './web/scopegate_bg.wasm' };
    assert.deepEqual(manifest.exports['./scopegate_bg.wasm'], {
      import: wasm,
      require: { types: './web/scopegate_bg.wasm.d.cts', default: './web/scopegate_bg.wasm' },
      default: wasm,
    });
    assert.equal(manifest.main, './node.cjs');
    assert.equal(manifest.types, './node.d.cts');
  });

  test('Node resolves the node entry; ESM and CommonJS share one instance', () => {
    assert.match(esm.resolved, /\/node_modules\/scopegate\/node\.mjs$/);
    assert.match(requireFromProject.resolve('scopegate'), /\/node_modules\/scopegate\/node\.cjs$/);
    assert.equal(esm.scopegate.Scopegate, cjs.Scopegate);
  });

  test('ESM and CommonJS export the same names', () => {
    const names = (m) => sorted(Object.keys(m).filter((n) => n !== '__esModule'));
    assert.deepEqual(names(esm.scopegate), names(cjs));
    assert.deepEqual(names(cjs), ['Scopegate', 'ScopegateError', 'default', 'initSync', 'isScopegateError']);
  });

  test('the tarball holds only the package files', () => {
    const files = execFileSync('tar', ['tzf', project.tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const f of files) assert.match(f, /^package\/(package\.json|README\.md|LICENSE|node\.mjs|node\.cjs|node\.d\.cts|react\.(js|cjs|d\.ts|d\.cts)|web\/(scopegate(\.js|\.cjs|_bg\.wasm|_bg\.wasm\.d\.c?ts)|index\.(js|d\.ts)))$/, f);
    for (const f of ['web/scopegate_bg.wasm', 'web/index.d.ts', 'node.d.cts', 'web/scopegate_bg.wasm.d.ts', 'react.js', 'react.cjs', 'react.d.ts', 'react.d.cts', 'LICENSE']) {
      assert.ok(files.includes(`package/${f}`), f);
    }
    // One module, loaded by both the web and the Node glue.
    assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, files.join());
  });

  test('init() and initSync() exist under Node, so browser code runs unchanged', async () => {
    await esm.init();
    esm.scopegate.initSync();
    assert.equal(typeof cjs.default, 'function');
    assert.equal(typeof cjs.initSync, 'function');
    const sg = new esm.scopegate.Scopegate(demo());
    assert.equal(sg.check('nora', 'stack:read', 'acme/identity/prod'), true);
    sg.free();
  });
});

describe('questions on the demo snapshot', () => {
  let sg;
  before(() => {
    sg = new esm.scopegate.Scopegate(demo());
  });
  after(() => sg.free());

  test('loads from an object and from JSON text', () => {
    assert.equal(sg.revision, 1n);
    const fromText = new esm.scopegate.Scopegate(readFileSync(join(repo, 'tests/fixtures/demo.json'), 'utf8'));
    assert.equal(fromText.revision, 1n);
    assert.equal(fromText.check('max', 'stack:write', 'acme/website/prod'), true);
    fromText.free();
  });

  test('default stack permission (read) for built-in members', () => {
    assert.equal(sg.check('nora', 'stack:read', 'acme/identity/prod'), true);
    assert.equal(sg.check('user:nora', 'stack:read', 'acme/identity/prod'), true);
    assert.equal(sg.check('nora', 'stack:write', 'acme/identity/prod'), false);
    const why = sg.explain('nora', 'stack:read', 'acme/identity/prod');
    assert.equal(why.allowed, true);
    assert.ok(why.reasons.some((r) => r.code === 'default_permission'), JSON.stringify(why));
    const no = sg.explain('nora', 'stack:write', 'acme/identity/prod');
    assert.equal(no.allowed, false);
    assert.equal(no.deny.code, 'missing_scope');
    assert.equal(typeof no.deny.message, 'string');
  });

  test('team grants, custom role rules and creator grants', () => {
    const team = sg.explain('max', 'stack:write', 'acme/website/prod');
    assert.equal(team.allowed, true);
    assert.ok(team.reasons.some((r) => r.code === 'team_grant' && r.team === 'web'), JSON.stringify(team));
    // Deployer: stack-write on env=prod stacks, stack-read on all; no member default.
    const role = sg.explain('dev', 'stack:write', 'acme/identity/prod');
    assert.equal(role.allowed, true);
    assert.ok(role.reasons.some((r) => r.code === 'role_rule' && r.role === 'Deployer'), JSON.stringify(role));
    assert.equal(sg.check('dev', 'stack:write', 'acme/identity/staging'), false);
    assert.equal(sg.check('dev', 'stack:read', 'acme/identity/staging'), true);
    assert.equal(sg.effectivePermission('dev', 'stack', 'acme/identity/prod'), 'write');
    assert.equal(sg.effectivePermission('nora', 'stack', 'acme/identity/prod'), 'read');
    assert.equal(sg.effectivePermission('max', 'stack', 'acme/website/staging'), 'admin');
    assert.equal(sg.effectivePermission('nora', 'stack', 'acme/warehouse/scratch'), 'write');
  });

  test('settings gate delete for stack admins, not for org admins', () => {
    const gated = sg.explain('tess', 'stack:delete', 'acme/network/staging');
    assert.equal(gated.allowed, false);
    assert.equal(gated.deny.code, 'setting_disabled');
    assert.equal(gated.deny.setting, 'stackAdminsCanDeleteStacks');
    const admin = sg.explain('ada', 'stack:delete', 'acme/network/staging');
    assert.equal(admin.allowed, true);
    assert.ok(admin.reasons.some((r) => r.code === 'org_admin'));
  });

  test('billing managers: their seven organization scopes and no stacks', () => {
    assert.equal(sg.check('bill', 'stack:read', 'acme/network/prod'), false);
    assert.deepEqual(
      sorted(sg.allowedActions('bill', 'acme')),
      sorted(['deployments:read_usage', 'org_member:read', 'organization:billing', 'organization:read_usage', 'resources:dashboard', 'saml:read', 'team:list']),
    );
  });

  test('allowedActions for UI gating', () => {
    const nora = sg.allowedActions('nora', 'acme/identity/prod', 'stack');
    assert.ok(nora.includes('stack:read'));
    assert.ok(!nora.includes('stack:write'));
    assert.ok(!nora.includes('stack:delete'));
    const ada = sg.allowedActions('ada', 'acme/identity/prod', 'stack');
    for (const s of ['stack:read', 'stack:write', 'stack:delete', 'stack:transfer']) assert.ok(ada.includes(s), s);
    assert.ok(ada.every((s) => s.startsWith('stack')), ada.join());
    assert.deepEqual(sg.allowedActions('ghost', 'acme/identity/prod', 'stack'), []);
  });

  test('token principals', () => {
    assert.equal(sg.check('token:org-admin-bot', 'stack:delete', 'acme/network/prod'), true);
    assert.equal(sg.check('token:team-web-deploy', 'stack:write', 'acme/website/prod'), true);
    // Team tokens do not get the member default (teamTokensGetMemberDefaults is off).
    assert.equal(sg.check('token:team-web-deploy', 'stack:read', 'acme/identity/prod'), false);
    // Deleted tokens are unknown.
    assert.equal(sg.check('token:org-old', 'stack:read', 'acme/identity/prod'), false);
    assert.equal(sg.explain('token:org-old', 'stack:read', 'acme/identity/prod').deny.code, 'unknown_principal');
  });

  test('unknown things are denies, not errors', () => {
    assert.equal(sg.explain('ghost', 'stack:read', 'acme/identity/prod').deny.code, 'unknown_principal');
    assert.equal(sg.explain('nora', 'stack:fly', 'acme/identity/prod').deny.code, 'unknown_scope');
    assert.equal(sg.check('nora', 'stack:read', 'acme/identity/nope'), false);
    assert.equal(sg.check('ada', 'stack:read', 'globex/app/prod'), false); // globex default: none
    assert.equal(sg.check('max', 'stack:read', 'globex/app/prod'), true); // admin of globex
  });
});

describe('errors', () => {
  test('invalid snapshots list every problem with its path', () => {
    const S = esm.scopegate.Scopegate;
    throwsScopegate(() => new S('{ not json'), 'invalid_json');
    const version = throwsScopegate(() => new S({ version: 2 }), 'unsupported_version');
    assert.deepEqual(version.details.problems.map((p) => p.path), ['version']);
    const bad = demo();
    bad.organizations[0].colour = 'blue';
    bad.organizations[0].settings.defaultStackPermission = 'owner';
    const many = throwsScopegate(() => new S(bad), 'unknown_field');
    assert.ok(many.details.problems.length >= 2, JSON.stringify(many.details));
    for (const p of many.details.problems) {
      assert.equal(typeof p.code, 'string');
      assert.equal(typeof p.path, 'string');
      assert.equal(typeof p.message, 'string');
    }
    assert.ok(many.details.problems.some((p) => p.code === 'unknown_field' && p.path.includes('colour')));
    assert.ok(many.details.problems.some((p) => p.path.includes('defaultStackPermission')));
  });

  test('bad arguments and credentials', () => {
    const sg = new esm.scopegate.Scopegate(demo());
    throwsScopegate(() => sg.effectivePermission('nora', 'widget', 'acme/identity/prod'), 'invalid_argument');
    throwsScopegate(() => sg.authenticate('not a token'), 'malformed_token');
    const unknown = 'pul-' + 'ab'.repeat(20);
    const e = throwsScopegate(() => sg.authenticate(`Authorization: token ${unknown}`), 'unknown_token');
    assert.ok(!e.message.includes(unknown), 'an error message must not contain the secret');
    throwsScopegate(() => sg.mintToken('max', { colour: 'blue' }), 'invalid_argument');
    assert.ok(esm.scopegate.Scopegate.errorCodes().includes('forbidden'));
    sg.free();
  });

  test('CommonJS users get the same error shape', () => {
    throwsScopegate(() => new cjs.Scopegate({ version: 2 }), 'unsupported_version');
    const sg = new cjs.Scopegate(demo());
    assert.equal(sg.check('nora', 'stack:read', 'acme/identity/prod'), true);
    throwsScopegate(() => sg.authenticate('x'), 'malformed_token');
    sg.free();
  });
});

describe('ScopegateError and handles', () => {
  test('every thrown error is an instance of ScopegateError, from import and from require', () => {
    for (const entry of [esm.scopegate, cjs]) {
      const sg = new entry.Scopegate(demo());
      let thrown;
      try {
        sg.authenticate('not a token');
      } catch (e) {
        thrown = e;
      }
      assert.ok(thrown instanceof entry.ScopegateError, 'instanceof ScopegateError');
      assert.ok(thrown instanceof Error);
      assert.ok(entry.isScopegateError(thrown));
      // Any copy of the package recognizes the errors of another (the check is by name and code).
      assert.ok(thrown instanceof esm.scopegate.ScopegateError && thrown instanceof cjs.ScopegateError);
      assert.equal(thrown.code, 'malformed_token');
      for (const other of [new Error('x'), new TypeError('x'), { name: 'ScopegateError', code: 'forbidden' }, null, 'ScopegateError']) {
        assert.ok(!(other instanceof entry.ScopegateError), String(other));
        assert.ok(!entry.isScopegateError(other), String(other));
      }
      const made = new entry.ScopegateError('not_found', 'There is no organization `x`.');
      assert.ok(made instanceof entry.ScopegateError && made instanceof Error);
      assert.equal(made.name, 'ScopegateError');
      assert.equal(made.details, undefined);
      sg.free();
    }
  });

  test('a missing credential (null or undefined) is malformed_token, as the README uses it', () => {
    const sg = new esm.scopegate.Scopegate(demo());
    const headers = new Headers();
    throwsScopegate(() => sg.authenticate(headers.get('authorization'), { organization: 'acme' }), 'malformed_token');
    throwsScopegate(() => sg.authenticate(undefined), 'malformed_token');
    throwsScopegate(() => sg.authenticate(42), 'invalid_argument');
    sg.free();
  });

  test('a handle acts only on the instance that made it', () => {
    const a = new esm.scopegate.Scopegate(demo());
    const b = new cjs.Scopegate(demo());
    const nora = a.principalHandle('nora');
    const other = b.principalHandle('ada');
    assert.equal(typeof nora, 'number');
    assert.ok(Number.isSafeInteger(nora) && Number.isSafeInteger(other));
    assert.notEqual(nora, other);
    assert.equal(a.checkAs(nora, 'stack:read', 'acme/identity/prod'), true);
    assert.equal(b.checkAs(nora, 'stack:read', 'acme/identity/prod'), false);
    assert.equal(b.explainAs(nora, 'stack:read', 'acme/identity/prod').deny?.code, 'foreign_handle');
    a.free();
    const c = new esm.scopegate.Scopegate(demo());
    assert.equal(c.checkAs(nora, 'stack:read', 'acme/identity/prod'), false, 'after free');
    b.free();
    c.free();
  });
});

describe('management actions', () => {
  test('refused with forbidden when the actor lacks the right; applied in place otherwise', () => {
    const sg = new esm.scopegate.Scopegate(demo());
    throwsScopegate(() => sg.updateSettings('nora', 'acme', { membersCanCreateTeams: true }), 'forbidden');
    assert.equal(sg.settings('acme').membersCanCreateTeams, false);
    throwsScopegate(() => sg.createTeam('nora', 'acme', 'nora-team'), 'forbidden');
    throwsScopegate(() => sg.addMember('max', 'acme', 'zed', 'member'), 'forbidden');
    // A team member who is not its admin cannot manage it; the team admin can.
    throwsScopegate(() => sg.setTeamMember('max', 'acme', 'web', 'nora', true), 'forbidden');
    sg.setTeamMember('tess', 'acme', 'platform', 'nora', false);
    assert.equal(sg.check('nora', 'stack:write', 'acme/network/staging'), true); // platform: write

    sg.updateSettings('ada', 'acme', { membersCanCreateTeams: true });
    assert.equal(sg.settings('acme').membersCanCreateTeams, true);
    sg.createTeam('nora', 'acme', 'nora-team');
    assert.equal(sg.check('nora', 'team:update', 'acme/nora-team'), true); // creator is team admin
    assert.equal(sg.settings('nowhere'), undefined);

    // The state round-trips through toJSON.
    const again = new esm.scopegate.Scopegate(sg.toJSON());
    assert.equal(again.check('nora', 'team:update', 'acme/nora-team'), true);
    assert.equal(again.settings('acme').membersCanCreateTeams, true);
    again.free();
    sg.free();
  });

  test('opaque tokens: minted, stored as a digest, validated, deleted', () => {
    const sg = new esm.scopegate.Scopegate(demo());
    const now = nowSeconds();
    throwsScopegate(() => sg.mintToken('nora', { kind: 'organization', organization: 'acme', name: 'nope', expires: now + 3600 }, { now }), 'forbidden');
    const minted = sg.mintToken('ada', { kind: 'organization', organization: 'acme', name: 'js-ci', expires: now + 86400 }, { now });
    assert.match(minted.token, /^pul-[0-9a-f]{40}$/);
    assert.equal(minted.organization, 'acme');
    assert.equal(minted.record.digest, createHash('sha256').update(minted.token).digest('hex'));
    assert.ok(!JSON.stringify(minted.record).includes(minted.token));
    const who = sg.authenticate(`Bearer ${minted.token}`, { now });
    assert.equal(who.principal, `token:${minted.id}`);
    assert.equal(who.kind, 'organization');
    assert.equal(who.organization, 'acme');
    assert.equal(who.signed, false);
    assert.equal(sg.checkAs(who.handle, 'stack:read', 'acme/identity/prod'), true); // member default
    assert.equal(sg.checkAs(who.handle, 'stack:read', 'globex/app/prod'), false);
    throwsScopegate(() => sg.authenticate(minted.token, { now: now + 86400 }), 'token_expired');
    sg.deleteToken('ada', minted.id);
    throwsScopegate(() => sg.authenticate(minted.token, { now }), 'token_revoked');
    sg.free();
  });
});

describe('releasing the engine', () => {
  test('free() releases it; using it afterwards throws instead of answering', () => {
    const sg = new esm.scopegate.Scopegate(demo());
    sg.free();
    assert.throws(() => sg.check('nora', 'stack:read', 'acme/identity/prod'), Error);
  });

  test('Symbol.dispose, and `using` where the runtime has it', () => {
    const { Scopegate } = esm.scopegate;
    if (typeof Symbol.dispose !== 'symbol') {
      assert.equal(typeof Scopegate.prototype.free, 'function');
      return;
    }
    const sg = new Scopegate(demo());
    assert.equal(typeof sg[Symbol.dispose], 'function');
    sg[Symbol.dispose]();
    assert.throws(() => sg.check('nora', 'stack:read', 'acme/identity/prod'), Error);

    let block;
    try {
      block = new Function('Scopegate', 'snapshot', `
        let kept;
        { using sg = new Scopegate(snapshot); kept = sg; if (!sg.check('nora', 'stack:read', 'acme/identity/prod')) throw new Error('deny'); }
        return kept;`);
    } catch (e) {
      assert.ok(e instanceof SyntaxError); // this Node has Symbol.dispose but not the syntax (Node 20)
      return;
    }
    const kept = block(Scopegate, demo());
    assert.throws(() => kept.check('nora', 'stack:read', 'acme/identity/prod'), Error);
  });
});

describe('the browser and workerd entry, loaded in Node', () => {
  for (const condition of ['browser', 'workerd']) {
    test(`--conditions=${condition} resolves the web build; initSync with the module bytes`, () => {
      writeFileSync(join(project.dir, 'web-user.mjs'), `
import init, { Scopegate, initSync } from 'scopegate';
import { readFileSync } from 'node:fs';
const out = { resolved: import.meta.resolve('scopegate') };
try { new Scopegate({ version: 1 }); out.beforeInit = 'no error'; } catch (e) { out.beforeInit = e.name; }
initSync({ module: readFileSync(new URL(import.meta.resolve('scopegate/scopegate_bg.wasm'))) });
const sg = new Scopegate(readFileSync(process.argv[2], 'utf8'));
out.allowed = sg.check('nora', 'stack:read', 'acme/identity/prod');
out.denied = sg.check('nora', 'stack:write', 'acme/identity/prod');
try { sg.authenticate('nope'); } catch (e) { out.error = { isError: e instanceof Error, name: e.name, code: e.code }; }
sg.free();
console.log(JSON.stringify(out));
`);
      const out = JSON.parse(
        execFileSync(process.execPath, [`--conditions=${condition}`, 'web-user.mjs', join(repo, 'tests/fixtures/demo.json')], {
          cwd: project.dir,
          encoding: 'utf8',
        }),
      );
      assert.match(out.resolved, /\/node_modules\/scopegate\/web\/index\.js$/);
      assert.notEqual(out.beforeInit, 'no error');
      assert.equal(out.allowed, true);
      assert.equal(out.denied, false);
      assert.deepEqual(out.error, { isError: true, name: 'ScopegateError', code: 'malformed_token' });
    });
  }
});
