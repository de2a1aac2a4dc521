// Layout of the sample site at 1400, 1024 and 390 px: no reason text cut off (each cell's scroll
// width against its client width), nothing scrolling sideways, the phone's card matrix and sticky
// "Act as" bar. Saves a full-page screenshot per width in test-results/site-<width>.png.
//
// Run: node --test tests/e2e/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { actAs, confirmChange, clippedText, inViewUnobscured, openWhy, results, scenario, setUp, tearDown } from './helpers.mjs';

before(setUp);
after(tearDown);

/** Actors whose cells carry the longest sources: several reasons, custom roles, teams, refusals. */
const ACTORS = [
  'user:max', 'user:tess', 'user:dev', 'user:ada', 'user:nora', 'user:bill',
  'token:org-deployer', 'token:team-platform-ci', 'token:team-data-nightly', 'token:pat-nora-2024', 'token:org-old',
];

const WIDTHS = [
  { width: 1400, options: { viewport: { width: 1400, height: 900 } } },
  { width: 1024, options: { viewport: { width: 1024, height: 768 } } },
  { width: 390, options: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
];

describe('layout', () => {
  for (const { width, options } of WIDTHS) {
    test(`at ${width} px no reason is cut off and nothing scrolls sideways (screenshot site-${width}.png)`, async () => {
      await scenario(`layout-${width}`, async (page) => {
        for (const actor of ACTORS) {
          await actAs(page, actor);
          assert.deepEqual(await clippedText(page), [], `no clipped text acting as ${actor} at ${width} px`);
        }
        // The longest refusal: tokens over an expiry policy.
        await actAs(page, 'user:ada');
        await page.getByTestId('setting:tokenExpiryPolicyDays').fill('7');
        await page.getByTestId('setting:tokenExpiryPolicyDays').press('Enter');
        await confirmChange(page);
        await actAs(page, 'token:org-ci');
        assert.equal(await page.getByTestId('cell:network/prod:read').getAttribute('data-refused'), 'expiry_policy_violation');
        assert.deepEqual(await clippedText(page), [], `no clipped text for a token over the policy at ${width} px`);

        // The screenshot: a team admin, an explanation open.
        await actAs(page, 'user:tess');
        await openWhy(page, 'network/prod', 'delete');
        await page.getByTestId('org:create-team').click();
        assert.deepEqual(await clippedText(page), [], `no clipped text with explanations open at ${width} px`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(results, `site-${width}.png`), fullPage: true });

        const phone = width < 700;
        const layout = await page.evaluate(() => {
          const scroll = document.getElementById('matrix-scroll');
          const label = document.querySelector('.cell-action');
          const bar = document.getElementById('toolbar');
          return {
            sideways: scroll.scrollWidth > scroll.clientWidth,
            labels: getComputedStyle(label).display !== 'none',
            barHeight: bar.getBoundingClientRect().height,
            sticky: getComputedStyle(bar).position,
          };
        });
        assert.equal(layout.sideways, false, 'the matrix does not scroll sideways');
        assert.equal(layout.sticky, 'sticky', 'the "Act as" bar sticks at every width');
        assert.equal(layout.labels, phone, phone ? 'each card cell names its action' : 'the table\'s header names the actions');
        if (phone) assert.ok(layout.barHeight <= 110, `the phone's bar is compact (${layout.barHeight} px)`);
        // Far down the page (the settings), "Act as" is still in view and usable.
        await page.getByTestId('setting:teamTokensGetMemberDefaults').scrollIntoViewIfNeeded();
        const seen = await inViewUnobscured(page.getByTestId('act-as'));
        assert.ok(seen.ok, `"Act as" stays in view next to the settings: ${seen.why}`);
      }, options);
    });
  }
});
