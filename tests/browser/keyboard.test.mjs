// Keyboard use: the first Tab on a page reaches the "skip to content" link.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_TIMEOUT_MS, newPage, visit, withBrowser } from './lib.mjs';

test('first Tab on /login reaches the skip link to #main', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);
    await visit(page, '/login');
    assert.equal(await page.locator('#main').count(), 1, 'the skip link target #main exists');

    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return { tag: el.tagName, href: el.getAttribute('href'), text: (el.textContent || '').trim() };
    });
    assert.ok(focused, 'Tab moved the focus to an element');
    assert.deepEqual(
      { tag: focused.tag, href: focused.href },
      { tag: 'A', href: '#main' },
      `the first focusable element should be <a href="#main">, got ${JSON.stringify(focused)}`,
    );
    assert.ok(focused.text.length > 0, 'the skip link has a text');
    // Skip links are often moved off screen until focused: when focused it
    // must be on screen, with a real size.
    const box = await page.locator(':focus').boundingBox();
    const viewport = page.viewportSize();
    assert.ok(
      box && box.width > 1 && box.height > 1 &&
        box.x >= 0 && box.y >= 0 && box.x < viewport.width && box.y < viewport.height,
      `the focused skip link should be on screen, its box is ${JSON.stringify(box)}`,
    );

    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#main', 'Enter follows the skip link');
  });
});
