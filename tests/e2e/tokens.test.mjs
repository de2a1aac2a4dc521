// Tokens on the sample site: the "Act as" list marks the tokens authenticate refuses (expired,
// deleted, not yet valid, over the expiry policy) and the page refuses them as actors with the
// same code; dates are shown as dates; the forms' limits are the engine's.
//
// Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actAs, confirmChange, credential, openWhy, scenario, setUp, snapshot, tearDown } from './helpers.mjs';

before(setUp);
after(tearDown);

const DAY = 86400;

/** The code authenticate gives when the credential is checked in the token panel. */
async function checkCode(page, token) {
  await page.getByTestId('credential').fill(token);
  await page.getByTestId('authenticate').click();
  return page.getByTestId('auth-result').getAttribute('data-code');
}

/** The "Act as" options: value → data-refused (null when usable) and the group label. */
async function actAsOptions(page) {
  return new Map(await page.getByTestId('act-as').locator('option').evaluateAll((os) => os.map((o) => [o.value, { refused: o.dataset.refused ?? null, group: o.parentElement.label }])));
}

/** Every cell and organization action is refused with `code`, none allowed. */
async function assertAllRefused(page, code) {
  const cells = await page.locator('.verdict').evaluateAll((bs) => bs.map((b) => [b.dataset.testid, b.dataset.allowed, b.dataset.refused ?? null]));
  assert.ok(cells.length >= 65);
  for (const [id, allowed, refused] of cells) {
    assert.equal(allowed, 'false', `${id} is not allowed`);
    assert.equal(refused, code, `${id} is refused with ${code}`);
  }
  assert.equal(await page.getByTestId('actor-refused').getAttribute('data-code'), code);
}

describe('tokens', () => {
  test('expired and deleted tokens are marked in "Act as" and refused as actors with authenticate\'s code', async () => {
    await scenario('tokens-refused-actors', async (page) => {
      const options = await actAsOptions(page);
      for (const [id, expected] of [['pat-nora-2024', 'token_expired'], ['org-old', 'token_revoked']]) {
        const code = await checkCode(page, credential(id));
        assert.equal(code, expected, `authenticate refuses ${id}`);
        assert.equal(options.get(`token:${id}`)?.refused, code, `${id} is marked with ${code}`);
        assert.match(options.get(`token:${id}`).group, /refuses/);
      }
      // Usable tokens are listed as such.
      for (const id of ['pat-max-1', 'org-ci', 'team-platform-ci']) {
        assert.equal(await checkCode(page, credential(id)), 'ok');
        assert.equal(options.get(`token:${id}`)?.refused, null, `${id} is usable`);
      }

      // Acting as the expired token: no cell allowed, each says why, so does the summary.
      await actAs(page, 'token:pat-nora-2024');
      await assertAllRefused(page, 'token_expired');
      const why = await openWhy(page, 'website/prod', 'read');
      assert.equal(await why.getAttribute('data-refused'), 'token_expired');
      assert.equal(await page.getByTestId('settings-access').getAttribute('data-refused'), 'token_expired');
      // A management action as it is refused with the same code, before the engine is asked.
      await page.getByTestId('setting:membersCanCreateTeams').click();
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-code'), 'token_expired');
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-code'), 'token_expired');

      await actAs(page, 'token:org-old');
      await assertAllRefused(page, 'token_revoked');
      // A usable token again: answers come back.
      await actAs(page, 'token:pat-max-1');
      assert.equal(await page.getByTestId('actor-refused').count(), 0);
      assert.equal(await page.getByTestId('cell:website/prod:update').getAttribute('data-allowed'), 'true');
    });
  });

  test('an expiry policy refuses the tokens it covers, and the mint form\'s default expiry stays within it', async () => {
    await scenario('tokens-expiry-policy', async (page) => {
      await actAs(page, 'user:ada');
      // Without a policy the default is 30 days.
      assert.equal(Number(await page.getByTestId('mint-expires').inputValue()), 30 * DAY);
      const policy = page.getByTestId('setting:tokenExpiryPolicyDays');
      await policy.fill('7');
      await policy.press('Enter');
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'ok');

      // Tokens that never expire (or expire later) are now refused by authenticate, and marked.
      const options = await actAsOptions(page);
      for (const id of ['org-ci', 'team-platform-ci', 'pat-max-1']) {
        const code = await checkCode(page, credential(id));
        assert.equal(code, 'expiry_policy_violation', id);
        assert.equal(options.get(`token:${id}`)?.refused, code, `${id} is marked`);
      }
      await actAs(page, 'token:org-ci');
      await assertAllRefused(page, 'expiry_policy_violation');

      // The mint form: the default is within the policy, longer choices say they are over it.
      await actAs(page, 'user:ada');
      const expires = page.getByTestId('mint-expires');
      const value = Number(await expires.inputValue());
      assert.ok(value > 0 && value <= 7 * DAY, `the default expiry (${value} s) is within 7 days`);
      const over = await expires.locator('option[data-over-policy]').evaluateAll((os) => os.map((o) => Number(o.value)));
      assert.ok(over.length >= 3 && over.every((s) => s === 0 || s > 7 * DAY), `choices over the policy are marked: ${over}`);
      // Minted with the defaults, the token is accepted.
      await page.getByTestId('mint-kind').selectOption('organization');
      await page.getByTestId('mint-name').fill('weekly-bot');
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
      assert.equal(await page.getByTestId('mint-refused').count(), 0, 'authenticate accepts it');
      assert.equal(await checkCode(page, await page.getByTestId('mint-token').inputValue()), 'ok');

      // A policy with no matching choice: its limit is offered and chosen.
      await policy.fill('3');
      await policy.press('Enter');
      await confirmChange(page);
      assert.equal(Number(await expires.inputValue()), 3 * DAY);
      // No policy: back to 30 days.
      await policy.fill('');
      await policy.press('Enter');
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'ok');
      assert.equal(Number(await expires.inputValue()), 30 * DAY);
      assert.equal((await actAsOptions(page)).get('token:org-ci').refused, null);
    });
  });

  test('a signed token valid from tomorrow is marked not yet valid and refused as an actor', async () => {
    await scenario('tokens-not-yet-valid', async (page) => {
      await actAs(page, 'user:tess');
      await page.getByTestId('mint-kind').selectOption('team');
      await page.getByTestId('mint-team').selectOption('platform');
      await page.getByTestId('mint-name').fill('platform-tomorrow');
      await page.getByTestId('mint-format').selectOption('signed');
      await page.getByTestId('mint-from').selectOption(String(DAY));
      await page.getByTestId('mint-expires').selectOption(String(7 * DAY));
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
      assert.match(await page.getByTestId('mint-refused').textContent(), /token_not_yet_valid/);
      const token = await page.getByTestId('mint-token').inputValue();
      assert.equal(await checkCode(page, token), 'token_not_yet_valid');
      const minted = [...(await actAsOptions(page))].find(([, o]) => o.refused === 'token_not_yet_valid');
      assert.ok(minted, 'the token is marked not yet valid in "Act as"');
      await page.getByTestId('mint-act-as').click();
      assert.equal(await page.getByTestId('act-as').inputValue(), minted[0]);
      await assertAllRefused(page, 'token_not_yet_valid');
    });
  });

  test('dates are shown as dates, never as seconds since the epoch', async () => {
    await scenario('tokens-dates', async (page) => {
      const epoch = /\b[1-3]\d{9}\b/;
      const tess = snapshot.users.find((u) => u.login === 'tess').tokens[0];
      const iso = (secs) => new Date(secs * 1000).toISOString().replace('.000Z', 'Z');
      await actAs(page, 'token:pat-tess-1');
      assert.equal(await page.getByTestId('whoami').locator('time').getAttribute('datetime'), iso(tess.expires));

      // The engine's refusal of the expired token carries its expiry: shown as a date.
      const nora = snapshot.users.find((u) => u.login === 'nora').tokens[0];
      assert.equal(await checkCode(page, credential('pat-nora-2024')), 'token_expired');
      const times = await page.getByTestId('auth-result').locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
      assert.ok(times.includes(iso(nora.expires)), `the expiry is a <time>: ${times}`);
      await actAs(page, 'token:pat-nora-2024');
      assert.match(await page.getByTestId('act-as').locator('option[value="token:pat-nora-2024"]').textContent(), /expired \w/);

      // A checked valid token and a minted one.
      assert.equal(await checkCode(page, credential('pat-tess-1')), 'ok');
      assert.equal(await page.getByTestId('auth-expires').locator('time').getAttribute('datetime'), iso(tess.expires));
      await actAs(page, 'user:max');
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').locator('time').count(), 1);

      const text = await page.evaluate(() => document.body.innerText);
      assert.doesNotMatch(text, epoch, 'no timestamp in seconds anywhere on the page');
    });
  });

  test('the forms\' limits are the engine\'s: token names of 1 to 40 characters, a policy of 1 to 3,650 days', async () => {
    await scenario('tokens-limits', async (page) => {
      await actAs(page, 'user:ada');
      const name = page.getByTestId('mint-name');
      await page.getByTestId('mint-kind').selectOption('organization');
      assert.equal(await name.getAttribute('maxlength'), '40');
      assert.equal(await name.getAttribute('minlength'), '1');
      // Typing stops at 40 characters, and the engine accepts 40.
      await name.fill('');
      await name.pressSequentially('n'.repeat(45));
      assert.equal((await name.inputValue()).length, 40);
      await page.getByTestId('mint-submit').click();
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
      // 41 (set past the field's limit) and none: the engine refuses them.
      for (const value of ['m'.repeat(41), '']) {
        await name.evaluate((el, v) => { el.value = v; }, value);
        await page.getByTestId('mint-submit').click();
        assert.equal(await page.getByTestId('mint-result').getAttribute('data-code'), 'invalid_argument', `a name of ${value.length}`);
      }

      const policy = page.getByTestId('setting:tokenExpiryPolicyDays');
      assert.equal(await policy.getAttribute('min'), '1');
      assert.equal(await policy.getAttribute('max'), '3650');
      const result = page.getByTestId('settings-result');
      for (const [days, state] of [['3650', 'ok'], ['1', 'ok'], ['3651', 'refused'], ['-1', 'refused'], ['2.5', 'refused']]) {
        await policy.fill(days);
        await policy.press('Enter');
        await confirmChange(page);
        assert.equal(await result.getAttribute('data-state'), state, `a policy of ${days} days`);
        if (state === 'refused') assert.equal(await result.getAttribute('data-code'), 'invalid_argument');
      }
    });
  });

  test('the words agree with the numbers: "an opaque token", "1 stack"', async () => {
    await scenario('tokens-words', async (page) => {
      await page.getByTestId('mint-submit').click();
      assert.match(await page.getByTestId('mint-result').textContent(), /minted an opaque personal token/);
      await page.getByTestId('mint-format').selectOption('signed');
      await page.getByTestId('mint-submit').click();
      assert.match(await page.getByTestId('mint-result').textContent(), /minted a signed personal token/);
      await page.getByTestId('org').selectOption('globex');
      assert.match(await page.locator('#matrix-sub').textContent(), /on the 1 stack of globex/);
      await page.getByTestId('org').selectOption('acme');
      assert.match(await page.locator('#matrix-sub').textContent(), /on the 12 stacks of acme/);
    });
  });
});
