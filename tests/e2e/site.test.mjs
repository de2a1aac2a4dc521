// End-to-end tests of the sample site (www/) in Debian's Chromium, driven by playwright-core:
// what the page answers. Accessibility, keyboard, layout, tokens and redrawing have their own
// files; the server, browser and scenario runner are in helpers.mjs.
//
// Expected answers come from the access model (the demo organization in www/demo-snapshot.json),
// not from the engine: Max is a built-in Member in teams Platform and Web and created
// website/prod; Tess is a Member and the team admin of Platform; Ada is an Admin. Tests match
// the engine's codes and structured fields, never its message text.
//
// Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import {
  STACKS, actAs, confirmChange, allowed, cell, credential, credentials, deny, env, reasons, scenario, setUp, shot, snapshot, tearDown,
} from './helpers.mjs';

before(setUp);
after(tearDown);

describe('sample site', () => {
  test('the demo credentials are real: each one hashes to its record digest', () => {
    const digests = new Map();
    for (const user of snapshot.users) for (const t of user.tokens ?? []) digests.set(t.id, t.digest);
    for (const org of snapshot.organizations) for (const t of org.tokens ?? []) digests.set(t.id, t.digest);
    assert.ok(credentials.length >= 8);
    for (const c of credentials) {
      assert.match(c.token, /^pul-[0-9a-f]{40}$/, c.id);
      assert.equal(createHash('sha256').update(c.token).digest('hex'), digests.get(c.id), c.id);
    }
    const expired = credentials.find((c) => c.expect === 'token_expired');
    const record = snapshot.users.flatMap((u) => u.tokens ?? []).find((t) => t.id === expired.id);
    assert.ok(record.expires > 0 && record.expires < Date.now() / 1000, 'the expired demo token expires in the past');
  });

  test('the server binds 127.0.0.1, serves wasm as application/wasm and refuses paths outside the site', async () => {
    const { baseUrl } = env;
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const wasm = await fetch(new URL('pkg/scopegate_bg.wasm', baseUrl));
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    const index = await fetch(baseUrl);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    // Raw request paths (fetch would normalise them): nothing outside www/ is served.
    const { port } = new URL(baseUrl);
    const status = (path) => new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
    });
    assert.equal(await status('/demo-snapshot.json'), 200);
    assert.equal(await status('/..%2fCargo.toml'), 404);
    assert.equal(await status('/..%2f..%2fetc%2fpasswd'), 404);
    assert.equal(await status('/missing.html'), 404);
  });

  test('loads with labelled controls, keyboard focus that shows, and no console errors', async () => {
    await scenario('01-loaded', async (page) => {
      assert.equal(await page.title(), 'scopegate · sample organization');
      // Every form control has a label (a <label for>, a wrapping label or aria-label).
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !el.closest('[hidden]') && el.labels.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, []);
      assert.equal(await page.getByLabel('Act as').getAttribute('data-testid'), 'act-as');
      // Keyboard: the first Tabs reach the skip links (one per panel), the next the principal picker; focus is drawn.
      const skips = await page.locator('.skip-link').count();
      assert.ok(skips >= 4, 'a skip link for each panel');
      for (let i = 0; i < skips; i++) {
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
      }
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'act-as');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none');
      // A matrix cell opens its explanation from the keyboard.
      await cell(page, 'network/prod', 'read').focus();
      await page.keyboard.press('Enter');
      assert.equal(await cell(page, 'network/prod', 'read').getAttribute('aria-expanded'), 'true');
      assert.deepEqual((await reasons(page, 'network/prod', 'read')).map((r) => [r.code, r.team]), [['team_grant', 'platform']]);
    });
    await scenario('01-loaded-dark', async (page) => {
      assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    }, { colorScheme: 'dark' });
    await scenario('01-loaded-narrow', async (page) => {
      assert.ok(await page.getByTestId('matrix').isVisible());
    }, { viewport: { width: 420, height: 900 } });
  });

  test('default stack permission none → read makes the Member\'s read cells allow', async () => {
    await scenario('02-default-permission', async (page) => {
      await actAs(page, 'user:max');
      // Max holds nothing on stacks outside his teams and creations while the default is none.
      for (const stack of ['identity/prod', 'identity/staging', 'warehouse/prod', 'billing-api/dev']) {
        assert.equal(await allowed(page, stack, 'read'), false, `${stack} read before`);
      }
      assert.equal((await deny(page, 'identity/prod', 'read')).deny, 'missing_scope');

      await actAs(page, 'user:ada');
      await page.getByTestId('setting:defaultStackPermission').selectOption('read');
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'ok');

      await actAs(page, 'user:max');
      assert.equal(await page.getByTestId('setting:defaultStackPermission').inputValue(), 'read');
      for (const stack of STACKS) assert.equal(await allowed(page, stack, 'read'), true, `${stack} read after`);
      // Read is not write: the default does not let Max update a stack outside his grants.
      assert.equal(await allowed(page, 'identity/prod', 'update'), false);
      assert.deepEqual((await reasons(page, 'identity/prod', 'read')).map((r) => [r.code, r.permission]), [['default_permission', 'read']]);
    });
  });

  test('a team grant of write lets the team\'s members update that stack; team admins edit only their own team', async () => {
    await scenario('03-team-grant', async (page) => {
      await actAs(page, 'user:max');
      assert.equal(await allowed(page, 'identity/staging', 'update'), false);

      await actAs(page, 'user:tess');
      await page.getByTestId('team-tab:platform').check();
      assert.equal(await page.getByTestId('team-access').getAttribute('data-allowed'), 'true');
      assert.match(await page.getByTestId('team-access').getAttribute('data-reasons'), /\bteam_admin\b/);
      await page.getByTestId('grant:platform:identity/staging').selectOption('write');
      await confirmChange(page);
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');
      assert.equal(await page.getByTestId('grant:platform:identity/staging').inputValue(), 'write');

      // Tess does not administer Web: the page says why, and the engine refuses the edit.
      await page.getByTestId('team-tab:web').check();
      assert.equal(await page.getByTestId('team-access').getAttribute('data-allowed'), 'false');
      assert.equal(await page.getByTestId('team-access').getAttribute('data-deny'), 'missing_scope');
      await page.getByTestId('grant:web:identity/staging').selectOption('write');
      await confirmChange(page);
      const result = page.getByTestId('team-result');
      assert.equal(await result.getAttribute('data-state'), 'refused');
      assert.equal(await result.getAttribute('data-code'), 'forbidden');
      assert.equal(await result.getAttribute('data-action'), 'team:update');
      assert.equal(await result.getAttribute('data-deny'), 'missing_scope');
      assert.ok((await result.getByTestId('error-reason').textContent()).length > 0, 'the engine\'s reason is shown');
      assert.equal(await page.getByTestId('grant:web:identity/staging').inputValue(), 'none');

      await actAs(page, 'user:max');
      assert.equal(await allowed(page, 'identity/staging', 'update'), true);
      assert.deepEqual((await reasons(page, 'identity/staging', 'update')).map((r) => [r.code, r.team, r.permission]), [['team_grant', 'platform', 'write']]);
      assert.equal(await page.getByTestId('effective:identity/staging').textContent(), 'write');
      // Write is not admin: no delete from the grant.
      assert.equal(await allowed(page, 'identity/staging', 'delete'), false);
      await shot(page, '03-team-grant-member-view');
      // Nora (Web, not Platform) gains nothing from Platform's grant.
      await actAs(page, 'user:nora');
      assert.equal(await allowed(page, 'identity/staging', 'update'), false);
    });
  });

  test('a Member is refused a settings change, with the engine\'s reason shown', async () => {
    await scenario('04-member-refused', async (page) => {
      await actAs(page, 'user:max');
      assert.equal(await page.getByTestId('settings-access').getAttribute('data-allowed'), 'false');
      const toggle = page.getByTestId('setting:membersCanCreateTeams');
      assert.equal(await toggle.isChecked(), false);
      await toggle.click();
      await confirmChange(page);
      const result = page.getByTestId('settings-result');
      assert.equal(await result.getAttribute('data-state'), 'refused');
      assert.equal(await result.getAttribute('data-code'), 'forbidden');
      assert.equal(await result.getByTestId('error-code').textContent(), 'forbidden');
      assert.equal(await result.getAttribute('data-action'), 'organization:update');
      assert.equal(await result.getByTestId('error-deny').textContent(), 'missing_scope');
      // Nothing changed: the switch shows the engine's state, and Max still may not create teams.
      assert.equal(await toggle.isChecked(), false);
      assert.equal(await page.getByTestId('org:create-team').getAttribute('data-allowed'), 'false');

      await page.getByTestId('setting:defaultStackPermission').selectOption('admin');
      await confirmChange(page);
      assert.equal(await result.getAttribute('data-code'), 'forbidden');
      assert.equal(await page.getByTestId('setting:defaultStackPermission').inputValue(), 'none');
      assert.equal(await allowed(page, 'identity/prod', 'read'), false);
    });
  });

  test('the stack-admin delete toggle flips the creator\'s delete cell', async () => {
    await scenario('05-delete-toggle', async (page) => {
      await actAs(page, 'user:max'); // created website/prod
      assert.equal(await allowed(page, 'website/prod', 'delete'), false);
      const before = await deny(page, 'website/prod', 'delete');
      assert.deepEqual([before.deny, before.setting], ['setting_disabled', 'stackAdminsCanDeleteStacks']);

      await actAs(page, 'user:ada');
      await page.getByTestId('setting:stackAdminsCanDeleteStacks').click();
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'ok');
      assert.equal(await page.getByTestId('setting:stackAdminsCanDeleteStacks').isChecked(), true);

      await actAs(page, 'user:max');
      assert.equal(await allowed(page, 'website/prod', 'delete'), true);
      assert.ok((await reasons(page, 'website/prod', 'delete')).some((r) => r.code === 'creator_grant'));
      // Not an admin of identity/prod: the toggle alone grants nothing there.
      assert.equal(await allowed(page, 'identity/prod', 'delete'), false);
      assert.equal(await cell(page, 'website/prod', 'delete').getAttribute('aria-expanded'), 'true');
      await shot(page, '05-delete-toggle-on');

      await actAs(page, 'user:ada');
      await page.getByTestId('setting:stackAdminsCanDeleteStacks').click();
      await confirmChange(page);
      await actAs(page, 'user:max');
      assert.equal(await allowed(page, 'website/prod', 'delete'), false);
    });
  });

  test('a pasted expired token shows token_expired; a valid one says who it is and can be acted as', async () => {
    await scenario('06-pasted-tokens', async (page) => {
      const result = page.getByTestId('auth-result');
      await page.getByTestId('credential').fill(credential('pat-nora-2024'));
      await page.getByTestId('authenticate').click();
      assert.equal(await result.getAttribute('data-code'), 'token_expired');
      assert.equal(await page.getByTestId('auth-code').textContent(), 'token_expired');

      await page.getByTestId('credential').fill(credential('org-old'));
      await page.getByTestId('authenticate').click();
      assert.equal(await result.getAttribute('data-code'), 'token_revoked');

      await page.getByTestId('credential').fill('pul-not-a-token');
      await page.getByTestId('authenticate').click();
      assert.equal(await result.getAttribute('data-code'), 'malformed_token');

      await page.getByTestId('credential').fill(`Authorization: token ${credential('pat-max-1')}`);
      await page.getByTestId('authenticate').click();
      assert.equal(await result.getAttribute('data-state'), 'ok');
      assert.equal(await page.getByTestId('auth-principal').textContent(), 'token:pat-max-1');
      await page.getByTestId('auth-act-as').click();
      assert.equal(await page.getByTestId('act-as').inputValue(), 'token:pat-max-1');
      // A personal token acts as its user: Max's team grant on website/prod.
      assert.equal(await allowed(page, 'website/prod', 'update'), true);
      assert.equal(await allowed(page, 'identity/prod', 'read'), false);

      // The paste buttons fill the field with the documented strings.
      await page.getByTestId('paste:team-platform-ci').click();
      assert.equal(await page.getByTestId('credential').inputValue(), credential('team-platform-ci'));
      await page.getByTestId('authenticate').click();
      assert.equal(await page.getByTestId('auth-principal').textContent(), 'token:team-platform-ci');
      await page.getByTestId('auth-act-as').click();
      assert.equal(await allowed(page, 'network/prod', 'read'), true);
      assert.equal(await allowed(page, 'website/prod', 'read'), false);
    });
  });

  test('mints opaque and signed tokens and acts as them; a Member may not mint an organization token', async () => {
    await scenario('07-mint', async (page) => {
      await actAs(page, 'user:ada');
      await page.getByTestId('mint-kind').selectOption('organization');
      await page.getByTestId('mint-role').selectOption('admin');
      await page.getByTestId('mint-name').fill('release-bot');
      await page.getByTestId('mint-format').selectOption('opaque');
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
      assert.match(await page.getByTestId('mint-token').inputValue(), /^pul-[0-9a-f]{40}$/);
      await page.getByTestId('mint-check').click();
      assert.equal(await page.getByTestId('auth-result').getAttribute('data-state'), 'ok');
      const principal = await page.getByTestId('auth-principal').textContent();
      assert.match(principal, /^token:/);
      await page.getByTestId('mint-act-as').click();
      assert.equal(await page.getByTestId('act-as').inputValue(), principal);
      assert.match(await page.getByTestId('whoami-name').textContent(), /release-bot/);
      assert.equal(await page.getByTestId('settings-access').getAttribute('data-allowed'), 'true');
      assert.equal(await allowed(page, 'identity/prod', 'delete'), true);

      // Tess mints a signed team token for the team she administers, then acts as it.
      await actAs(page, 'user:tess');
      await page.getByTestId('mint-kind').selectOption('team');
      await page.getByTestId('mint-team').selectOption('platform');
      await page.getByTestId('mint-name').fill('platform-deploy');
      await page.getByTestId('mint-format').selectOption('signed');
      await page.getByTestId('mint-expires').selectOption('86400');
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
      assert.match(await page.getByTestId('mint-token').inputValue(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
      await page.getByTestId('mint-check').click();
      assert.match(await page.getByTestId('auth-result').textContent(), /signed/);
      await page.getByTestId('mint-act-as').click();
      assert.match(await page.getByTestId('act-as').inputValue(), /^token:/);
      assert.equal(await allowed(page, 'network/prod', 'read'), true);
      assert.equal(await allowed(page, 'identity/prod', 'read'), false);

      // A signed token must expire: the engine refuses "never".
      await page.getByTestId('mint-expires').selectOption('0');
      await page.getByTestId('mint-name').fill('platform-forever');
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-code'), 'invalid_argument');

      // A Member may not create organization tokens.
      await actAs(page, 'user:max');
      await page.getByTestId('mint-kind').selectOption('organization');
      await page.getByTestId('mint-name').fill('sneaky');
      await page.getByTestId('mint-format').selectOption('opaque');
      await page.getByTestId('mint-submit').click();
      const result = page.getByTestId('mint-result');
      assert.equal(await result.getAttribute('data-code'), 'forbidden');
      assert.equal(await result.getAttribute('data-action'), 'org_token:create');
    });
  });
});
