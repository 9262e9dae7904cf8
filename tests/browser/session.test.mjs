// Signing in, switching language, signing out, and a wrong password.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEMO,
  TEST_TIMEOUT_MS,
  buttonLabel,
  currentPath,
  htmlLang,
  newPage,
  signIn,
  submitButton,
  submitLogin,
  submitWith,
  visit,
  withBrowser,
} from './lib.mjs';

const LANGUAGE_FORM = 'form[method="post" i][action="/language"]';
const LOGOUT_FORM = 'form[method="post" i][action="/logout"]';

/** Checks the language switch offers exactly the other language, then uses it. */
async function switchLanguage(page, { to, label }) {
  const buttons = page.locator(`${LANGUAGE_FORM} button[name="lang"]`);
  assert.equal(await buttons.count(), 1, `expected one language button on ${page.url()}`);
  const button = buttons.first();
  assert.equal(await button.getAttribute('value'), to, 'language button value');
  assert.equal(await buttonLabel(button), label, 'language button label');
  const before = currentPath(page);
  await submitWith(page, button);
  assert.equal(currentPath(page), before, `switching language should come back to ${before}`);
  assert.equal(await htmlLang(page), to, `<html lang> after switching to ${to}`);
}

async function signOutLabel(page) {
  const buttons = submitButton(page, LOGOUT_FORM);
  assert.equal(await buttons.count(), 1, `expected one sign-out button on ${page.url()}`);
  return buttonLabel(buttons.first());
}

test('agent signs in, switches to English and back, signs out', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);

    await visit(page, '/login');
    assert.equal(await htmlLang(page), 'fr', 'the sign-in page is in French by default');
    for (const id of ['email', 'password']) {
      assert.equal(await page.locator(`label[for="${id}"]`).count(), 1, `<label for="${id}">`);
    }
    assert.equal(await page.locator('input#email').getAttribute('type'), 'email');
    assert.equal(await page.locator('input#password').getAttribute('type'), 'password');

    await signIn(page, DEMO.agent);

    // Home.
    await page.locator('main#main').waitFor({ state: 'visible' });
    assert.ok((await page.locator('nav').count()) >= 1, 'home page has a <nav>');
    if (DEMO.agent.name) {
      const body = await page.locator('body').innerText();
      assert.ok(body.includes(DEMO.agent.name), `home page shows the agent's name "${DEMO.agent.name}"`);
    }
    assert.equal(await signOutLabel(page), 'Se déconnecter');

    // French -> English.
    await switchLanguage(page, { to: 'en', label: 'English' });
    assert.equal(await signOutLabel(page), 'Sign out');

    // English -> French.
    await switchLanguage(page, { to: 'fr', label: 'Français' });
    assert.equal(await signOutLabel(page), 'Se déconnecter');

    // Sign out.
    await submitWith(page, submitButton(page, LOGOUT_FORM).first());
    assert.equal(currentPath(page), '/login', 'signing out lands on /login');

    // Home is no longer reachable.
    await page.goto(new URL('/', page.url()).href, { waitUntil: 'load' });
    assert.equal(currentPath(page), '/login', 'after signing out, / redirects to /login');
  });
});

test('the sign-in page switches language before signing in', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);
    await visit(page, '/login');
    await switchLanguage(page, { to: 'en', label: 'English' });
    await switchLanguage(page, { to: 'fr', label: 'Français' });
  });
});

test('a wrong password shows an error and stays on /login', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);
    await submitLogin(page, DEMO.agent.email, 'not-the-demo-password');
    assert.equal(currentPath(page), '/login', `a failed sign-in should stay on /login, got ${page.url()}`);
    const alert = page.locator('[role="alert"]').first();
    await alert.waitFor({ state: 'visible' });
    const text = (await alert.innerText()).trim();
    assert.ok(text.length > 0, 'the role="alert" element has a message');
    // Still the sign-in form, and still signed out.
    assert.equal(await page.locator('input#password').count(), 1, 'the sign-in form is shown again');
    await page.goto(new URL('/', page.url()).href, { waitUntil: 'load' });
    assert.equal(currentPath(page), '/login', 'a failed sign-in does not open a session');
  });
});
