// axe-core (WCAG 2.1 A/AA) on the main pages: any serious or critical
// violation fails.

import { test } from 'node:test';
import { DEMO, TEST_TIMEOUT_MS, assertAccessible, newPage, signIn, visit, withBrowser } from './lib.mjs';

test('sign-in page is accessible', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser, { bypassCSP: true });
    await visit(page, '/login');
    await assertAccessible(t, page, 'sign-in page');
  });
});

test('home page (agent) is accessible', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser, { bypassCSP: true });
    await signIn(page, DEMO.agent);
    await assertAccessible(t, page, 'home page');
  });
});

test('people search (admin) is accessible', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser, { bypassCSP: true });
    await signIn(page, DEMO.admin);
    await visit(page, '/people?q=martin');
    await assertAccessible(t, page, 'people search');
  });
});
