// Id interning for `check` (inside the module) never changes an answer: every interned check equals the
// engine's own explanation, before and after changes that delete and re-create names, add members
// or delete tokens; unknown names are never cached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { demo, scratchProject } from './helpers.mjs';

let project;
let Scopegate;
before(() => {
  project = scratchProject();
  ({ Scopegate } = createRequire(join(project.dir, 'x.cjs'))('scopegate'));
});
after(() => project?.cleanup());

const PRINCIPALS = ['ada', 'max', 'tess', 'dev', 'bill', 'nora', 'ghost', 'token:org-ci', 'token:team-platform-ci', 'token:nope'];
const SCOPES = ['stack:read', 'stack:write', 'stack:delete', 'stack:transfer', 'stack_access:update', 'stack:fly'];

function stacksOf(sg) {
  const org = sg.toJSON().organizations.find((o) => o.name === 'acme');
  return [...org.stacks.map((s) => `acme/${s.project}/${s.name}`), 'acme/nope/nope', 'acme', 'acme/network'];
}

function agreeEverywhere(sg, label) {
  let asked = 0;
  for (const p of PRINCIPALS) for (const s of SCOPES) for (const r of stacksOf(sg)) {
    // Twice: the second answer comes from the interned handles.
    const first = sg.check(p, s, r);
    const second = sg.check(p, s, r);
    const truth = sg.explain(p, s, r).allowed;
    assert.equal(first, truth, `${label}: ${p} ${s} ${r}`);
    assert.equal(second, truth, `${label} (interned): ${p} ${s} ${r}`);
    asked++;
  }
  return asked;
}

test('interned checks equal the engine’s explanations, before and after every kind of change', () => {
  const sg = new Scopegate(demo());
  assert.ok(agreeEverywhere(sg, 'initial') > 500);
  // A stack deleted and created again under the same name, by another creator.
  sg.updateSettings('ada', 'acme', { stackAdminsCanDeleteStacks: true });
  assert.equal(sg.check('max', 'stack:delete', 'acme/website/prod'), true, 'max created it');
  sg.deleteStack('max', 'acme/website/prod');
  assert.equal(sg.check('max', 'stack:read', 'acme/website/prod'), false, 'gone');
  sg.createStack('nora', 'acme', 'website', 'prod', { env: 'prod' });
  assert.equal(sg.check('nora', 'stack:delete', 'acme/website/prod'), true, 'nora created it again');
  assert.equal(sg.check('max', 'stack:delete', 'acme/website/prod'), false, 'max no longer the creator');
  agreeEverywhere(sg, 'after re-creation');
  // A principal unknown at first (never cached), then added.
  assert.equal(sg.check('ghost', 'stack:read', 'acme/network/prod'), false);
  sg.addMember('ada', 'acme', 'ghost', 'member');
  sg.updateSettings('ada', 'acme', { defaultStackPermission: 'read' });
  assert.equal(sg.check('ghost', 'stack:read', 'acme/network/prod'), true);
  // A token deleted after its handle was interned.
  assert.equal(sg.check('token:org-ci', 'stack:read', 'acme/network/prod'), true);
  sg.deleteToken('ada', 'org-ci');
  assert.equal(sg.check('token:org-ci', 'stack:read', 'acme/network/prod'), false);
  // A member removed after being interned.
  assert.equal(sg.check('tess', 'stack:write', 'acme/network/staging'), true);
  sg.removeMember('ada', 'acme', 'tess');
  assert.equal(sg.check('tess', 'stack:write', 'acme/network/staging'), false);
  agreeEverywhere(sg, 'after all changes');
  sg.free();
});

test('non-string arguments go to the engine unchanged', () => {
  const sg = new Scopegate(demo());
  assert.equal(sg.check('ada', 'stack:read', 'acme/network/prod'), true);
  for (const bad of [undefined, null, 42, {}]) {
    let threw = false;
    let answer;
    try {
      answer = sg.check(bad, 'stack:read', 'acme/network/prod');
    } catch {
      threw = true;
    }
    assert.ok(threw || answer === false, `check(${String(bad)}) must not allow`);
  }
  sg.free();
});
