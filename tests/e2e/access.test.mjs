// The "Who has access" panel: the engine's subject search for a stack, with each subject's
// reasons, live after every change; and the matrix filtered to the stacks the actor can read
// through the engine's resource search. Held to axe-core like every panel.
//
// Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STACKS, actAs, confirmChange, assertAxeClean, scenario, setUp, shot, tearDown } from './helpers.mjs';

before(setUp);
after(tearDown);

/** The principals the Access panel lists, each with its reasons text. */
async function access(page) {
  return page.getByTestId('access-list').locator('.access-item').evaluateAll((items) =>
    items.map((li) => [li.dataset.testid.replace(/^access:/, ''), li.querySelector('.access-why').textContent]));
}

describe('who has access', () => {
  test('shows a team grant\'s members with their reasons and follows the grant when it changes', async () => {
    await scenario('10-access-panel', async (page) => {
      await page.getByTestId('access-stack').selectOption('identity/staging');
      await page.getByTestId('access-action').selectOption('update');
      const before = (await access(page)).map(([p]) => p);
      // Only organization admins (the admin and the admin token) may update it before the grant.
      assert.deepEqual(before, ['user:ada', 'token:org-admin-bot']);

      // Tess, team admin of platform, grants it write on identity/staging.
      await actAs(page, 'user:tess');
      await page.getByTestId('team-tab:platform').check();
      await page.getByTestId('grant:platform:identity/staging').selectOption('write');
      await confirmChange(page);
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');

      const after = await access(page);
      const principals = after.map(([p]) => p);
      assert.ok(principals.includes('user:max'), `max (a member of platform) is listed: ${principals}`);
      assert.ok(principals.includes('user:tess'), `tess (an admin of platform) is listed: ${principals}`);
      const max = after.find(([p]) => p === 'user:max')[1];
      assert.match(max, /platform/, 'the reason names the team');
      await assertAxeClean(page, 'access panel after a grant');
      await shot(page, '10-access-panel');

      // Back to none: the team's members drop out again.
      await page.getByTestId('grant:platform:identity/staging').selectOption('none');
      await confirmChange(page);
      assert.deepEqual((await access(page)).map(([p]) => p), before);
    });
  });

  test('the matrix can show only the stacks the actor can read, from the resource search', async () => {
    await scenario('10-visible-stacks', async (page) => {
      await actAs(page, 'user:max');
      const rows = () => page.locator('#matrix-body tr:not([hidden]):not(.why-row)').count();
      assert.equal(await rows(), STACKS.length);
      await page.getByTestId('matrix-visible').check();
      const readable = await page.evaluate(async () => {
        const cells = [...document.querySelectorAll('#matrix-body tr:not([hidden]) .verdict[data-testid$=":read"]')];
        return cells.map((c) => c.dataset.allowed);
      });
      assert.ok(readable.length > 0 && readable.length < STACKS.length, `max reads some stacks: ${readable.length}`);
      assert.ok(readable.every((a) => a === 'true'), 'every row left is readable');
      await assertAxeClean(page, 'matrix filtered to readable stacks');
    });
  });
});
