// People search: admins search, agents are refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO, TEST_TIMEOUT_MS, newPage, signIn, url, visit, withBrowser } from './lib.mjs';

test('an admin searches people', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);
    await signIn(page, DEMO.admin);
    await visit(page, '/people?q=martin');
    const q = page.locator('input#q');
    assert.equal(await q.count(), 1, 'search field input#q');
    assert.equal(await q.getAttribute('type'), 'search');
    assert.equal(await q.getAttribute('name'), 'q');
    assert.equal(await q.inputValue(), 'martin', 'the search field keeps the query');
    assert.ok((await page.locator('table').count()) >= 1, 'results table');
  });
});

test('an agent may not search people (403)', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);
    await signIn(page, DEMO.agent);
    const response = await page.goto(url('/people?q=martin'), { waitUntil: 'load' });
    assert.equal(response?.status(), 403, 'GET /people as an agent');
  });
});
