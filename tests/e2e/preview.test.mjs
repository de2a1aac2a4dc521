// End-to-end tests of the sample site's previews and audit panel: a change shows the engine's
// preview before it is made, and the matrix then changes exactly as previewed; every decision of
// the tab is in the audit panel, newest first, and downloads as JSON lines.
//
// Expected answers come from the access model (www/demo-snapshot.json): Max is a built-in Member
// who created website/prod; Ada is an Admin. Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { actAs, assertAxeClean, confirmChange, credential, credentials, scenario, setUp, snapshot, tearDown } from './helpers.mjs';

before(setUp);
after(tearDown);

/** The scope of each matrix column and organization action (as the page's catalog names them). */
const CELL_SCOPE = {
  read: 'stack:read', update: 'stack:write', delete: 'stack:delete', transfer: 'stack:transfer', access: 'stack_access:update',
};
const ORG_SCOPE = {
  'create-stack': 'stack:create', 'create-team': 'team:create', settings: 'organization:update',
  'add-member': 'org_member:add', 'org-token': 'org_token:create',
};
const ORG = snapshot.organizations[0].name;

/** Every verdict the page shows for the actor: testid → allowed, with its question. */
async function verdicts(page) {
  const cells = await page.locator('[data-testid^="cell:"][data-allowed], [data-testid^="org:"][data-allowed]')
    .evaluateAll((els) => els.map((el) => [el.dataset.testid, el.dataset.allowed === 'true']));
  return new Map(cells);
}

/** The question a verdict's testid asks: `principal scope resource`. */
function question(principal, testid) {
  if (testid.startsWith('org:')) return `${principal} ${ORG_SCOPE[testid.slice(4)]} ${ORG}`;
  const [, stack, action] = testid.split(':');
  return `${principal} ${CELL_SCOPE[action]} ${ORG}/${stack}`;
}

/** The preview's answers, as `principal scope resource` → allowed after. */
async function previewed(page) {
  const list = page.getByTestId('preview-entries');
  assert.equal(await list.getAttribute('data-complete'), 'true', 'every answer of the preview is listed');
  const items = await list.locator('li').evaluateAll((lis) => lis.map((li) => ({ ...li.dataset })));
  return new Map(items.map((i) => [`${i.principal} ${i.scope} ${i.resource}`, i.allowed === 'true']));
}

describe('previews', () => {
  test('flipping a toggle shows its preview, then the matrix changes exactly as previewed', async () => {
    await scenario('preview-toggles', async (page) => {
      for (const [setting, scope] of [['stackAdminsCanDeleteStacks', 'stack:delete'], ['membersCanCreateTeams', 'team:create']]) {
        await actAs(page, 'user:max');
        const before = await verdicts(page);
        await actAs(page, 'user:ada');
        const toggle = page.getByTestId(`setting:${setting}`);
        await toggle.click();
        // The preview, not the change: nothing applied yet.
        const box = page.getByTestId('preview');
        assert.equal(await box.isVisible(), true, `${setting}: the preview is shown`);
        assert.equal(await box.getAttribute('data-allowed'), 'true');
        assert.equal(await page.getByTestId('settings-result').textContent(), '', 'no result before Apply');
        const text = page.getByTestId('preview-text');
        assert.equal(await text.getAttribute('aria-live'), 'polite');
        assert.match(await text.textContent(), new RegExp(`^Turning on “.+” gives ${scope} to \\d+ members?`));
        const entries = await previewed(page);
        assert.equal(Number(await box.getAttribute('data-count')), entries.size);

        // The Member's cells that the preview says turn.
        const expected = new Map();
        for (const testid of before.keys()) {
          const q = question('user:max', testid);
          if (entries.has(q)) expected.set(testid, entries.get(q));
        }
        assert.ok(expected.size > 0, `${setting}: the preview turns some of Max's cells`);

        await confirmChange(page);
        assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'ok');
        assert.equal(await box.isVisible(), false, 'the preview closes on Apply');
        assert.equal(await toggle.isChecked(), true);
        await actAs(page, 'user:max');
        const afterwards = await verdicts(page);
        const changed = new Map([...afterwards].filter(([id, v]) => before.get(id) !== v));
        assert.deepEqual([...changed].sort(), [...expected].sort(), `${setting}: the cells that changed are the previewed ones`);
      }
    });
  });

  test('Cancel leaves the engine as it was and the control shows its value again', async () => {
    await scenario('preview-cancel', async (page) => {
      await actAs(page, 'user:ada');
      const select = page.getByTestId('setting:defaultStackPermission');
      await select.selectOption('write');
      assert.match(await page.getByTestId('preview-text').textContent(), /^Setting “Default stack permission” to write gives stack:/);
      await page.getByTestId('preview-cancel').click();
      assert.equal(await page.getByTestId('preview').isVisible(), false);
      assert.equal(await select.inputValue(), 'none');
      assert.equal(await select.evaluate((el) => el === document.activeElement), true, 'focus goes back to the select');
      await actAs(page, 'user:max');
      assert.equal(await page.getByTestId('cell:identity/prod:read').getAttribute('data-allowed'), 'false');
    });
  });

  test('a team grant shows its preview under the grant row', async () => {
    await scenario('preview-grant', async (page) => {
      await actAs(page, 'user:tess');
      await page.getByTestId('team-tab:platform').check();
      await page.getByTestId('grant:platform:identity/staging').selectOption('write');
      const entries = await previewed(page);
      assert.equal(entries.get(`user:max stack:write ${ORG}/identity/staging`), true, 'Max, in Platform, gains write');
      await page.getByTestId('preview').locator('summary').click();
      await assertAxeClean(page, 'a grant\'s preview, every answer listed');
      await confirmChange(page);
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');
    });
  });
});

describe('audit panel', () => {
  test('shows the refused settings change of a Member with its reason, newest first, and downloads JSON lines', async () => {
    await scenario('audit-refused', async (page) => {
      // A credential checked first: its record must not hold the token.
      const token = credential('pat-max-1');
      await page.getByTestId('credential').fill(token);
      await page.getByTestId('authenticate').click();

      await actAs(page, 'user:max');
      await page.getByTestId('setting:membersCanCreateTeams').click();
      const box = page.getByTestId('preview');
      assert.equal(await box.getAttribute('data-allowed'), 'false', 'the preview says Max may not');
      assert.equal(await box.getAttribute('data-code'), 'forbidden');
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'refused');

      const newest = page.getByTestId('audit-record').first();
      await newest.waitFor();
      assert.equal(await newest.getAttribute('data-kind'), 'manage');
      assert.equal(await newest.getAttribute('data-user'), 'max');
      assert.equal(await newest.getAttribute('data-allowed'), 'false');
      const codes = (await newest.getAttribute('data-reasons')).split(' ');
      assert.ok(codes.includes('forbidden') && codes.includes('missing_scope'), `the reason codes: ${codes}`);
      assert.match(await newest.textContent(), /refused — forbidden, missing_scope/);
      const second = page.getByTestId('audit-record').nth(1);
      assert.equal(await second.getAttribute('data-kind'), 'authenticate', 'the earlier authentication comes after it');
      await assertAxeClean(page, 'the audit panel');

      // Every check and explanation too, on demand.
      const shown = await page.getByTestId('audit-record').count();
      await page.getByTestId('audit-all').check();
      assert.ok(await page.getByTestId('audit-record').count() > shown);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-download').click()]);
      assert.equal(download.suggestedFilename(), 'scopegate-decisions.jsonl');
      const text = readFileSync(await download.path(), 'utf8');
      const events = text.trimEnd().split('\n').map((line) => JSON.parse(line));
      const refused = events.filter((e) => e.action === 'update_settings' && e.allowed === false);
      assert.equal(refused.length, 1);
      assert.equal(refused[0].authFailure, true);
      assert.equal(refused[0].user.githubLogin, 'max');
      assert.match(refused[0].event, /^auth-failure-/);
      assert.ok(events.some((e) => e.event === 'token-authentication' && e.tokenID === 'pat-max-1'));
      for (const c of credentials) assert.equal(text.includes(c.token), false, `no token string (${c.id}) in the download`);
    });
  });
});
