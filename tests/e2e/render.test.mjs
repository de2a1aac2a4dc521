// Redrawing on the sample site: after a change the page asks the engine again and touches only the
// cells whose answer differs; the matrix's nodes stay the same nodes; `toJSON()` is not what
// drives a redraw (it is read only when a change alters the organization's structure).
//
// Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actAs, confirmChange, scenario, setUp, tearDown } from './helpers.mjs';

before(setUp);
after(tearDown);

/** Counts toJSON calls and records which verdict cells any DOM mutation touches. */
async function instrument(page) {
  await page.evaluate(async () => {
    const { Scopegate } = await import('./pkg/scopegate.js');
    if (!window.__instrumented) {
      window.__toJSON = 0;
      window.__touched = new Set();
      window.__touchedOther = new Set();
      const original = Scopegate.prototype.toJSON;
      Scopegate.prototype.toJSON = function toJSON(...args) {
        window.__toJSON += 1;
        return original.apply(this, args);
      };
      new MutationObserver((records) => {
        for (const m of records) {
          const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
          const cell = el?.closest('.verdict');
          if (cell) window.__touched.add(cell.dataset.testid);
          else if (el?.closest('#matrix-body, #org-actions')) window.__touchedOther.add(el.closest('[data-testid]')?.dataset.testid ?? el.className);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      window.__instrumented = true;
    }
  });
}

/** Starts a measurement: resets the counters and remembers every verdict node and what it shows. */
async function mark(page) {
  await page.evaluate(() => {
    window.__toJSON = 0;
    window.__touched = new Set();
    window.__touchedOther = new Set();
    window.__nodes = [...document.querySelectorAll('.verdict')];
    window.__shown = new Map(window.__nodes.map((b) => [b.dataset.testid, `${b.dataset.allowed}|${b.getAttribute('aria-label')}|${b.title}`]));
  });
}

/** What changed since `mark`: the cells whose answer changed and the cells the page touched. */
async function measure(page) {
  // Mutation records are delivered as a microtask after the change: let them arrive.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  return page.evaluate(() => {
    const changed = [];
    for (const b of document.querySelectorAll('.verdict')) {
      if (window.__shown.get(b.dataset.testid) !== `${b.dataset.allowed}|${b.getAttribute('aria-label')}|${b.title}`) changed.push(b.dataset.testid);
    }
    return {
      changed: changed.sort(),
      touched: [...window.__touched].sort(),
      other: [...window.__touchedOther].sort(),
      sameNodes: window.__nodes.every((n) => n.isConnected) && window.__nodes.length === document.querySelectorAll('.verdict').length,
      toJSON: window.__toJSON,
    };
  });
}

describe('redraw only what a change touched', () => {
  test('switching actor touches only the cells whose answer differs, and reads no toJSON', async () => {
    await scenario('render-actor', async (page) => {
      await instrument(page);
      await actAs(page, 'user:max');
      await mark(page);
      await actAs(page, 'user:nora');
      const m = await measure(page);
      // (How many differ depends on the messages: when they name the principal, nearly all do.)
      assert.ok(m.changed.length > 0, `cells differ between Max and Nora (${m.changed.length})`);
      assert.deepEqual(m.touched, m.changed, 'the touched cells are exactly those whose answer changed');
      assert.equal(m.sameNodes, true, 'every cell is the same node as before');
      assert.equal(m.toJSON, 0, 'no toJSON() to switch actor');
    });
  });

  test('a settings change that flips none of the actor\'s answers touches no cell, and reads no toJSON', async () => {
    await scenario('render-setting', async (page) => {
      await instrument(page);
      await actAs(page, 'user:ada');
      await mark(page);
      await page.getByTestId('setting:defaultStackPermission').selectOption('read');
      await confirmChange(page);
      await page.getByTestId('setting:stackAdminsCanDeleteStacks').click();
      await confirmChange(page);
      assert.equal(await page.getByTestId('settings-result').getAttribute('data-state'), 'ok');
      const m = await measure(page);
      assert.deepEqual(m.changed, [], 'an admin\'s answers do not depend on these settings');
      assert.deepEqual(m.touched, [], 'no cell is redrawn');
      assert.deepEqual(m.other, [], 'nothing else in the matrix is redrawn');
      assert.equal(m.toJSON, 0, 'no toJSON() for a settings change');

      // The same change seen by a Member: the default flips their read cells, and only those.
      await actAs(page, 'user:max');
      await mark(page);
      await actAs(page, 'user:ada');
      await page.getByTestId('setting:defaultStackPermission').selectOption('none');
      await confirmChange(page);
      await actAs(page, 'user:max');
      const back = await measure(page);
      assert.equal(back.sameNodes, true);
      assert.equal(back.toJSON, 0);
    });
  });

  test('a team grant touches exactly the cells it flips and reads the structure once', async () => {
    await scenario('render-grant', async (page) => {
      await instrument(page);
      await actAs(page, 'user:tess');
      await page.getByTestId('team-tab:platform').check();
      await mark(page);
      await page.getByTestId('grant:platform:identity/staging').selectOption('admin');
      await confirmChange(page);
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'ok');
      const m = await measure(page);
      assert.ok(m.changed.length >= 3 && m.changed.every((id) => id.startsWith('cell:identity/staging:')), `the grant flips identity/staging cells: ${m.changed}`);
      assert.deepEqual(m.touched, m.changed, 'the touched cells are exactly those whose answer changed');
      assert.deepEqual(m.other, ['effective:identity/staging'], 'and the stack\'s effective permission');
      assert.equal(m.sameNodes, true, 'every cell is the same node as before');
      assert.equal(m.toJSON, 1, 'the organization\'s structure is read once (the team\'s grants changed)');

      // A refused grant changes nothing and reads nothing.
      await page.getByTestId('team-tab:web').check();
      await mark(page);
      await page.getByTestId('grant:web:identity/prod').selectOption('read');
      await confirmChange(page);
      assert.equal(await page.getByTestId('team-result').getAttribute('data-state'), 'refused');
      const refused = await measure(page);
      assert.deepEqual(refused.touched, []);
      assert.equal(refused.toJSON, 0);
    });
  });
});
