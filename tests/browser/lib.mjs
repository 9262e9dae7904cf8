// Shared code for the browser tests: launching Debian's Chromium through
// playwright-core, signing in, submitting forms, running axe-core.
//
// The tests never download a browser: they drive /usr/bin/chromium (Debian's
// `chromium` package). Set CHROMIUM_PATH to use another binary.
//
// The server under test comes from RELAIS_BASE_URL, e.g.
//   RELAIS_BASE_URL=http://127.0.0.1:18080 node --test tests/browser/

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long one Playwright action or navigation may take, in milliseconds. */
export const ACTION_TIMEOUT_MS = 20_000;

/** Per-test timeout for node:test, in milliseconds. */
export const TEST_TIMEOUT_MS = 120_000;

/** The demo accounts that `relais demo` creates. */
export const DEMO = {
  agent: {
    email: 'agent@demo.relais.test',
    password: 'relais-demo',
    // The demo agent's display name, shown on the home page. The demo
    // institute is generated from a fixed seed (relais_directory::demo::SEED),
    // so the name is stable; change it here (or override it with
    // RELAIS_DEMO_AGENT_NAME, or set that to "" to skip the check) if the
    // generator changes.
    name: process.env.RELAIS_DEMO_AGENT_NAME ?? 'Sylvie Bouchard',
  },
  admin: {
    email: 'admin@demo.relais.test',
    password: 'relais-demo',
  },
};

/** The base URL of the server under test, without a trailing slash. */
export function baseUrl() {
  const raw = process.env.RELAIS_BASE_URL;
  if (!raw) {
    throw new Error(
      'RELAIS_BASE_URL is not set: start `relais demo --listen 127.0.0.1:18080` ' +
        'and run e.g. RELAIS_BASE_URL=http://127.0.0.1:18080 node --test tests/browser/',
    );
  }
  return raw.replace(/\/+$/, '');
}

/** An absolute URL on the server under test. */
export function url(path) {
  return baseUrl() + path;
}

/** Launches a fresh headless Chromium (Playwright gives each launch its own empty profile). */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} not found: install Debian's Chromium (apt-get install chromium) ` +
        'or set CHROMIUM_PATH. These tests never download a browser.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/**
 * Runs `fn(browser)` with a fresh browser and always closes it.
 */
export async function withBrowser(fn) {
  const browser = await launchBrowser();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * A new page in a fresh context (own cookies). The browser asks for French,
 * as the institute's people would. `bypassCSP` is only for injecting axe-core.
 */
export async function newPage(browser, { bypassCSP = false } = {}) {
  const context = await browser.newContext({
    locale: 'fr-FR',
    bypassCSP,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  return context.newPage();
}

/** Goes to `path` and checks that the server answered with a success status. */
export async function visit(page, path) {
  const response = await page.goto(url(path), { waitUntil: 'load' });
  assert.ok(response, `no response for ${path}`);
  assert.ok(
    response.ok(),
    `GET ${path} answered ${response.status()} (landed on ${page.url()})`,
  );
  return response;
}

/** The path of the page's current URL (no query, no fragment). */
export function currentPath(page) {
  return new URL(page.url()).pathname;
}

/** The `lang` attribute of the page's `<html>`. */
export async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

/**
 * Clicks an element that submits a form, and waits until the page that
 * answers (after any redirects) has loaded.
 */
export async function submitWith(page, locator) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
}

/** The submit control(s) inside the form selected by `formSelector`. */
export function submitButton(page, formSelector) {
  return page.locator(
    `${formSelector} :is(button:not([type]), button[type="submit"], input[type="submit"])`,
  );
}

/** A button's visible label (text of a <button>, value of an <input>), whitespace collapsed. */
export async function buttonLabel(locator) {
  const label = await locator.evaluate((el) =>
    el.tagName === 'INPUT' ? el.value : el.textContent,
  );
  return (label || '').replace(/\s+/g, ' ').trim();
}

/** Fills the sign-in form on /login and submits it. Does not check the outcome. */
export async function submitLogin(page, email, password) {
  await visit(page, '/login');
  const form = 'form[method="post" i][action="/login"]';
  await page.locator(`${form} input#email`).fill(email);
  await page.locator(`${form} input#password`).fill(password);
  await submitWith(page, submitButton(page, form).first());
}

/** Signs in and checks that the server sent the person home (`/`). */
export async function signIn(page, account) {
  await submitLogin(page, account.email, account.password);
  assert.equal(
    currentPath(page),
    '/',
    `signing in as ${account.email} should land on / but landed on ${page.url()}`,
  );
}

/** The path to axe-core's browser bundle, from this folder's node_modules. */
export const AXE_PATH = fileURLToPath(
  new URL('./node_modules/axe-core/axe.min.js', import.meta.url),
);

/** WCAG 2.1 A and AA rules. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Impacts that fail a test. */
export const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

/**
 * Runs axe-core (WCAG 2.1 A/AA) on the current page and returns its
 * violations as plain objects. The page's context should bypass CSP, or the
 * injected script may be refused.
 */
export async function axeViolations(page) {
  if (!existsSync(AXE_PATH)) {
    throw new Error(`${AXE_PATH} not found: run \`npm ci\` in tests/browser`);
  }
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        summary: n.failureSummary,
      })),
    }));
  }, AXE_TAGS);
}

/** A readable report of axe violations. */
export function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${JSON.stringify(n.target)}${n.summary ? `\n        ${n.summary.replace(/\n/g, '\n        ')}` : ''}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Checks the current page with axe-core: fails on any serious or critical
 * WCAG 2.1 A/AA violation, and reports the lesser ones as diagnostics.
 */
export async function assertAccessible(t, page, what) {
  const violations = await axeViolations(page);
  const blocking = violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  const minor = violations.filter((v) => !BLOCKING_IMPACTS.has(v.impact));
  if (minor.length > 0) {
    t.diagnostic(`${what}: minor/moderate axe findings (not failing):\n${formatViolations(minor)}`);
  }
  if (blocking.length > 0) {
    const report = formatViolations(blocking);
    assert.fail(
      `${what} (${page.url()}) has ${blocking.length} serious/critical accessibility violation(s):\n${report}`,
    );
  }
}
