// Accessibility of the sample site: axe-core on the whole page in every state (light, dark, a
// phone), keyboard-only use, focus, and where refusals appear and how they are announced.
// Every check runs on the whole page, so panels added later are held to it too.
//
// Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actAs, confirmChange, assertAxeClean, assertFocusNotOnBody, cell, credential, focused, inViewUnobscured, openWhy, scenario, setUp, tearDown,
} from './helpers.mjs';

before(setUp);
after(tearDown);

const DESKTOP = { viewport: { width: 1400, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const CONFIGS = [
  { name: 'light-1400', label: 'light, 1400 px', options: { ...DESKTOP, colorScheme: 'light' } },
  { name: 'dark-1400', label: 'dark, 1400 px', options: { ...DESKTOP, colorScheme: 'dark' } },
  { name: 'light-390', label: 'light, 390 px', options: { ...PHONE, colorScheme: 'light' } },
  { name: 'dark-390', label: 'dark, 390 px', options: { ...PHONE, colorScheme: 'dark' } },
];

describe('axe-core (WCAG 2.1 AA and best practices) finds nothing', () => {
  for (const config of CONFIGS) {
    test(`in every state of the page, ${config.label}`, async () => {
      await scenario(`a11y-axe-${config.name}`, async (page) => {
        await assertAxeClean(page, 'the initial page');

        // Explanations: a matrix cell and an organization action.
        await openWhy(page, 'network/prod', 'read');
        await page.getByTestId('org:create-team').click();
        await assertAxeClean(page, 'explanations open');

        // A team admin: a grant made, a grant refused (on a team she does not administer).
        await actAs(page, 'user:tess');
        await page.getByTestId('team-tab:platform').check();
        await page.getByTestId('grant:platform:identity/staging').selectOption('write');
        await confirmChange(page);
        assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');
        await openWhy(page, 'identity/staging', 'update');
        await assertAxeClean(page, 'a team admin, after a grant');
        await page.getByTestId('team-tab:web').check();
        await page.getByTestId('grant:web:identity/prod').selectOption('read');
        await confirmChange(page);
        assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'refused');
        await assertAxeClean(page, 'a refused grant');

        // A Member refused a settings change.
        await actAs(page, 'user:max');
        await page.getByTestId('setting:membersCanCreateTeams').click();
        await confirmChange(page);
        assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'refused');
        await assertAxeClean(page, 'a refused setting');

        // The token panel: credentials checked (refused and valid), tokens minted.
        await page.getByTestId('credential').fill(credential('pat-nora-2024'));
        await page.getByTestId('authenticate').click();
        await assertAxeClean(page, 'a refused credential');
        await page.getByTestId('credential').fill(credential('pat-max-1'));
        await page.getByTestId('authenticate').click();
        await page.getByTestId('mint-format').selectOption('signed');
        await page.getByTestId('mint-submit').click();
        assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
        await assertAxeClean(page, 'a valid credential and a minted token');

        // Acting as a token that authenticate refuses.
        await actAs(page, 'token:pat-nora-2024');
        await openWhy(page, 'website/prod', 'read');
        await assertAxeClean(page, 'acting as an expired token');
      }, config.options);
    });
  }
});

/** The page's interactive elements (visible, enabled), each tagged with a data-kb id. */
async function tagControls(page) {
  return page.evaluate(() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const list = [];
    let n = 0;
    for (const el of document.querySelectorAll(selector)) {
      if (el.disabled || el.closest('[hidden], [inert]') || !el.getClientRects().length) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      el.dataset.kb = String(++n);
      list.push({ kb: el.dataset.kb, what: el.dataset.testid ?? el.id ?? el.textContent.trim().slice(0, 30), radio: el.type === 'radio' ? el.name : null });
    }
    return list;
  });
}

/**
 * Walks the page with Tab (and each grid with the arrow keys), checking that every focused
 * element is in view and not covered (by the sticky toolbar or anything else).
 */
async function walk(page) {
  const reached = new Set();
  const hidden = [];
  const stops = []; // what each Tab reached, in order
  const check = async (where) => {
    const f = await page.evaluate(() => document.activeElement?.dataset?.kb ?? null);
    if (!f) return f;
    reached.add(f);
    const seen = await inViewUnobscured(page.locator(`[data-kb="${f}"]`));
    if (!seen.ok) hidden.push(`${where} [data-kb=${f}] ${(await focused(page)).testid}: ${seen.why}`);
    return f;
  };
  let first = null;
  const gridsWalked = new Set();
  // From the first control of the page (the first skip link).
  await page.locator('[data-kb="1"]').focus();
  for (let i = 0; i < 400; i++) {
    if (i) await page.keyboard.press('Tab');
    const f = await check('Tab');
    if (f == null) {
      if (first != null) break; // past the last control
      continue;
    }
    if (f === first) break;
    first ??= f;
    stops.push((await focused(page)).testid ?? f);
    // In a grid: every cell with the arrow keys, row by row.
    const grid = await page.evaluate(() => {
      const g = document.activeElement.closest('[role="grid"]');
      if (!g) return null;
      const rows = [...g.querySelectorAll('tbody tr')].filter((tr) => tr.querySelector('button[data-key]'));
      return { id: g.dataset.testid, rows: rows.length, cols: rows[0]?.querySelectorAll('button[data-key]').length ?? 0 };
    });
    if (grid && !gridsWalked.has(grid.id)) {
      gridsWalked.add(grid.id);
      await page.keyboard.press('Control+Home');
      for (let r = 0; r < grid.rows; r++) {
        for (let c = 0; c < grid.cols; c++) {
          await check(`arrows ${r},${c}`);
          if (c < grid.cols - 1) await page.keyboard.press('ArrowRight');
        }
        await page.keyboard.press('Home');
        if (r < grid.rows - 1) await page.keyboard.press('ArrowDown');
      }
      // Back to the cell the grid was entered at, so that Tab goes on from there.
      await page.keyboard.press('Control+Home');
    }
  }
  return { reached, hidden, stops };
}

describe('keyboard only', () => {
  for (const [label, options] of [['1400 px', DESKTOP], ['390 px', PHONE]]) {
    test(`every control is reachable with Tab (the matrix cells with arrow keys) and never hidden when focused, ${label}`, async (t) => {
      await scenario(`a11y-tab-walk-${label.replace(' ', '')}`, async (page) => {
        // A state with the most controls: an explanation open, a minted token, a signed format.
        await actAs(page, 'user:tess');
        await openWhy(page, 'network/prod', 'read');
        await page.getByTestId('mint-format').selectOption('signed');
        await page.getByTestId('mint-submit').click();
        // Start from the top: a click on the title sets where sequential focus starts.
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.locator('h1').click();
        const controls = await tagControls(page);
        assert.ok(controls.length > 80, `found the page's controls (${controls.length})`);
        const { reached, hidden, stops } = await walk(page);
        // A radio group is one Tab stop (the arrow keys move within it, as the flow test does).
        const groups = new Set(controls.filter((c) => c.radio && reached.has(c.kb)).map((c) => c.radio));
        const missed = controls.filter((c) => !reached.has(c.kb) && !(c.radio && groups.has(c.radio))).map((c) => c.what);
        assert.deepEqual(missed, [], 'every control is reached from the keyboard');
        assert.deepEqual(hidden, [], 'no focused control is outside the viewport or under the sticky toolbar');
        // The matrix is one tab stop: its cells are not in the Tab sequence one by one.
        const tabbableCells = await page.locator('[role="grid"] button[data-key][tabindex="0"]').count();
        assert.equal(tabbableCells, 1);
        const beforeSettings = stops.indexOf('setting:defaultStackPermission');
        assert.ok(beforeSettings > 0 && beforeSettings <= 20, `${beforeSettings} Tab stops before the settings (of ${stops.length})`);
        t.diagnostic(`${stops.length} Tab stops, ${beforeSettings} before the settings, ${controls.length} controls`);
      }, options);
    });
  }

  test('a visitor does everything with the keyboard, and focus never falls to the body', async () => {
    await scenario('a11y-keyboard-flow', async (page) => {
      const press = async (key, what) => {
        await page.keyboard.press(key);
        return assertFocusNotOnBody(page, what);
      };
      // Skip links lead to each panel.
      await page.keyboard.press('Tab');
      let f = await focused(page);
      while (f.testid !== 'skip:settings-panel') {
        await page.keyboard.press('Tab');
        f = await focused(page);
        assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
      }
      f = await press('Enter', 'a skip link');
      assert.equal(f.id, 'settings-panel');

      // Act as Tess, from the keyboard: focus the picker, type to select.
      await page.getByTestId('act-as').focus();
      await page.keyboard.type('Tess');
      await assertFocusNotOnBody(page, 'choosing an actor');
      assert.equal(await page.getByTestId('act-as').inputValue(), 'user:tess');

      // The matrix: Tab into it, move with arrows, open and close with Enter and Escape.
      await cell(page, 'network/prod', 'read').focus();
      await press('ArrowDown', 'ArrowDown in the matrix');
      f = await press('ArrowRight', 'ArrowRight in the matrix');
      assert.equal(f.testid, 'cell:network/staging:update');
      f = await press('Enter', 'opening an explanation');
      assert.equal(f.testid, 'cell:network/staging:update');
      assert.equal(await cell(page, 'network/staging', 'update').getAttribute('aria-expanded'), 'true');
      assert.ok(await page.getByTestId('why:network/staging:update').isVisible());
      f = await press('Escape', 'Escape');
      assert.equal(f.testid, 'cell:network/staging:update');
      assert.equal(await page.getByTestId('why:network/staging:update').count(), 0, 'Escape closes the explanation');
      // The Close button returns focus to its cell.
      await press('Enter', 'opening again');
      await press('Tab', 'Tab to Close');
      assert.equal((await focused(page)).testid, 'why-close');
      f = await press('Enter', 'Close');
      assert.equal(f.testid, 'cell:network/staging:update');

      // An organization action's explanation: Enter keeps focus on it, Escape closes it.
      await page.getByTestId('org:create-team').focus();
      f = await press('Enter', 'an organization action');
      assert.equal(f.testid, 'org:create-team');
      assert.ok(await page.getByTestId('why:org:create-team').isVisible());
      f = await press('Escape', 'Escape on an organization action');
      assert.equal(f.testid, 'org:create-team');
      assert.equal(await page.getByTestId('why:org:create-team').count(), 0);

      // Teams are radios: the arrow keys choose one.
      await page.getByTestId('team-tab:platform').focus();
      f = await press('ArrowRight', 'choosing a team');
      assert.equal(f.testid, 'team-tab:web');
      assert.equal(await page.getByTestId('team-tab:web').isChecked(), true);
      assert.ok(await page.getByTestId('grant:web:website/prod').isVisible());
      f = await press('ArrowLeft', 'choosing a team');
      assert.equal(f.testid, 'team-tab:platform');
      // A team grant, with the arrow keys on the select.
      await page.getByTestId('grant:platform:identity/staging').focus();
      f = await press('ArrowDown', 'changing a grant');
      assert.equal(f.testid, 'grant:platform:identity/staging');
      // Its preview comes next in the Tab order: Apply, then focus is back on the select.
      f = await press('Tab', 'leaving the grant for its preview');
      assert.equal(f.testid, 'preview-apply');
      f = await press('Enter', 'applying the grant');
      assert.equal(f.testid, 'grant:platform:identity/staging');
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');
      assert.equal(await page.getByTestId('grant:platform:identity/staging').inputValue(), 'read');

      // Remove a member: focus goes to the next person's Remove button, not the body.
      await page.getByTestId('remove-member:tess').focus();
      f = await press('Enter', 'a successful Remove');
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');
      assert.equal(await page.getByTestId('remove-member:tess').count(), 0);
      assert.equal(f.testid, 'remove-member:max');
      // Tess is no longer a team admin of Platform: re-adding herself is refused, focus stays.
      await page.getByTestId('add-member-login').focus();
      await page.keyboard.type('tess');
      await page.getByTestId('add-member-submit').focus();
      f = await press('Enter', 'a refused Add');
      assert.equal(f.testid, 'add-member-submit');
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'refused');

      // A toggle with Space: refused for a Member, focus stays on the switch.
      await page.getByTestId('act-as').focus();
      await page.keyboard.type('Max');
      await page.getByTestId('setting:membersCanCreateTeams').focus();
      f = await press('Space', 'a refused toggle');
      assert.equal(f.testid, 'setting:membersCanCreateTeams');
      f = await press('Tab', 'leaving the toggle for its preview');
      assert.equal(f.testid, 'preview-apply');
      f = await press('Enter', 'applying the toggle anyway');
      assert.equal(f.testid, 'setting:membersCanCreateTeams');
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-code'), 'forbidden');

      // Mint a personal token.
      await page.getByTestId('mint-submit').focus();
      f = await press('Enter', 'Mint');
      assert.equal(f.testid, 'mint-submit');
      assert.equal(await page.getByTestId('mint-result').getAttribute('data-state'), 'ok');
      await page.getByTestId('mint-act-as').focus();
      f = await press('Enter', 'Act as this token');
      assert.equal(f.testid, 'act-as');
      assert.match(await page.getByTestId('act-as').inputValue(), /^token:/);

      // Reset keeps focus on its button.
      await page.getByTestId('reset').focus();
      f = await press('Enter', 'Reset demo');
      assert.equal(f.testid, 'reset');
    });
  });

  test('every button, switch, radio and select, operated from the keyboard, leaves focus on an element', async () => {
    await scenario('a11y-every-control', async (page) => {
      await actAs(page, 'user:ada');
      const seen = new Set();
      // Re-read the controls after each press: pressing one may add, remove or replace others.
      for (let round = 0; round < 400; round++) {
        const next = await page.evaluate((done) => {
          const all = [...document.querySelectorAll('a[href], button, summary, input[type="checkbox"], input[type="radio"], select')]
            .filter((el) => !el.disabled && el.getClientRects().length && !el.closest('[hidden]'));
          const key = (el) => el.dataset.testid ?? el.id ?? el.textContent.trim();
          // The matrix filter hides rows (and their cells): it is operated last, with the others below.
          const last = ['reset', 'org', 'matrix-visible'];
          const el = all.find((x) => !done.includes(key(x)) && !last.includes(key(x)));
          if (!el) return null;
          document.querySelectorAll('[data-kb-next]').forEach((x) => x.removeAttribute('data-kb-next'));
          el.dataset.kbNext = '1';
          return { key: key(el), tag: el.tagName.toLowerCase(), type: el.type };
        }, [...seen]);
        if (!next) break;
        seen.add(next.key);
        const el = page.locator('[data-kb-next="1"]');
        await el.focus();
        // Enter on a link, a button or a summary; Space on a switch, checkbox or radio; ArrowDown on a select.
        const key = next.tag === 'select' ? 'ArrowDown' : next.tag === 'input' ? 'Space' : 'Enter';
        await page.keyboard.press(key);
        await assertFocusNotOnBody(page, `${key} on ${next.key}`);
      }
      assert.ok(seen.size > 100, `operated ${seen.size} controls`);
      // Last, the matrix filter, the organization (another organization redraws the page) and Reset.
      await page.getByTestId('matrix-visible').focus();
      await page.keyboard.press('Space');
      await assertFocusNotOnBody(page, 'Space on the matrix filter');
      await page.getByTestId('org').focus();
      await page.keyboard.press('ArrowDown');
      await assertFocusNotOnBody(page, 'choosing another organization');
      assert.equal(await page.getByTestId('org').inputValue(), 'globex');
      await page.getByTestId('reset').focus();
      await page.keyboard.press('Enter');
      await assertFocusNotOnBody(page, 'Reset demo');
    });
  });
});

describe('refusals appear where the eye is', () => {
  const SETTINGS = [
    'setting:membersCanCreateStacks', 'setting:stackAdminsCanDeleteStacks', 'setting:stackAdminsCanTransferStacks',
    'setting:membersCanCreateTeams', 'setting:membersCanCreateAccounts', 'setting:teamTokensGetMemberDefaults',
  ];

  /** The refusal is next to its control, in view, described by it, and announced. */
  async function assertRefusalSeen(page, result, control, what) {
    assert.equal(await result.getAttribute('data-state'), 'refused', what);
    const seen = await inViewUnobscured(result);
    assert.ok(seen.ok, `the refusal of ${what} is in view: ${seen.why}`);
    const gap = await page.evaluate(([r, c]) => r.getBoundingClientRect().top - c.getBoundingClientRect().bottom,
      [await result.elementHandle(), await control.elementHandle()]);
    assert.ok(gap >= -1 && gap < 120, `the refusal of ${what} is right under its control (${Math.round(gap)} px)`);
    assert.match(await control.getAttribute('aria-describedby'), new RegExp(`\\b${await result.getAttribute('id')}\\b`));
    const code = await result.getByTestId('error-code').textContent();
    const reason = await result.getByTestId('error-reason').textContent();
    const alert = page.getByTestId('live-alert');
    assert.equal(await alert.getAttribute('role'), 'alert');
    const spoken = await alert.textContent();
    assert.ok(spoken.includes(code) && spoken.includes(reason), `the refusal of ${what} is announced: “${spoken}”`);
  }

  for (const [label, options] of [['1400 × 900', DESKTOP], ['390 × 844', PHONE]]) {
    test(`a Member's refused settings and a refused grant show their reason in view and announce it, ${label}`, async () => {
      await scenario(`a11y-refusals-${options.viewport.width}`, async (page) => {
        await actAs(page, 'user:max');
        const result = page.getByTestId('settings-result');
        for (const id of SETTINGS) {
          const toggle = page.getByTestId(id);
          await toggle.focus();
          await page.keyboard.press('Space');
          await page.keyboard.press('Tab');
          assert.equal(await page.getByTestId('preview-apply').evaluate((el) => el === document.activeElement), true, 'Tab reaches the preview\'s Apply');
          await page.keyboard.press('Enter');
          await assertRefusalSeen(page, result, toggle, id);
          assert.equal(await toggle.evaluate((el) => el === document.activeElement), true, 'focus stays on the switch');
        }
        const perm = page.getByTestId('setting:defaultStackPermission');
        await perm.selectOption('write');
        await confirmChange(page);
        await assertRefusalSeen(page, result, perm, 'the default permission');
        assert.equal(await perm.inputValue(), 'none', 'the select shows the engine\'s value again');
        const policy = page.getByTestId('setting:tokenExpiryPolicyDays');
        await policy.fill('30');
        await policy.press('Enter');
        await confirmChange(page);
        await assertRefusalSeen(page, result, policy, 'the expiry policy');

        // A grant on a team Tess does not administer, far down the page.
        await actAs(page, 'user:tess');
        assert.equal(await result.textContent(), '', 'switching actor clears the last refusal');
        assert.equal(await page.getByTestId('live-alert').textContent(), '');
        await page.getByTestId('team-tab:web').check();
        const grant = page.getByTestId('grant:web:docs-site/prod');
        await grant.selectOption('admin');
        await confirmChange(page);
        await assertRefusalSeen(page, page.getByTestId('team-result'), grant, 'a grant on another team');
      }, options);
    });
  }

  test('a successful change is summarised once, politely, with the cells it flipped', async () => {
    await scenario('a11y-live-summary', async (page) => {
      await actAs(page, 'user:ada');
      const status = page.getByTestId('live-status');
      assert.equal(await status.getAttribute('role'), 'status');
      assert.equal(await status.getAttribute('aria-live'), 'polite');
      // The actor's summary is not a live region (it used to re-announce on every redraw).
      assert.equal(await page.getByTestId('whoami').getAttribute('aria-live'), null);
      await page.getByTestId('setting:stackAdminsCanDeleteStacks').click();
      await confirmChange(page);
      assert.match(await status.textContent(), /No cell of the matrix changed for Ada Admin/);

      await actAs(page, 'user:tess');
      await page.getByTestId('team-tab:platform').check();
      const verdictsOf = () => page.locator('[role="grid"] button[data-key]').evaluateAll((bs) => bs.map((b) => [b.dataset.testid, b.dataset.allowed]));
      const before = new Map(await verdictsOf());
      await page.getByTestId('grant:platform:identity/staging').selectOption('admin');
      await confirmChange(page);
      const flipped = (await verdictsOf()).filter(([id, v]) => before.get(id) !== v).map(([id]) => id);
      assert.ok(flipped.length >= 3 && flipped.every((id) => id.startsWith('cell:identity/staging:')), `the grant flips identity/staging cells: ${flipped}`);
      const text = await status.textContent();
      assert.match(text, new RegExp(`${flipped.length} cells now allowed for Tess Team-admin: Read identity/staging, Update identity/staging`));
      assert.doesNotMatch(text, /now denied/);
      assert.deepEqual(await page.locator('.verdict.changed').evaluateAll((bs) => bs.map((b) => b.dataset.testid)), flipped, 'the flipped cells are marked');
      assert.ok(text.endsWith(await page.getByTestId('team-result').getByTestId('result-more').textContent()), 'the result shows the same summary');
    });
  });
});
