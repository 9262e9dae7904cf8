// The training office's pages: searching the catalogue, registering and
// cancelling, the calendar feeds, the waitlist and its offers, and
// accessibility.
//
// Every test leaves the demo's own sessions as it found them (what it
// registers, it cancels); the waitlist test works on a course of its own,
// made through the API. Past runs against the same server leave cancelled
// registrations behind, which the tests tolerate.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  ACTION_TIMEOUT_MS,
  DEMO,
  TEST_TIMEOUT_MS,
  assertAccessible,
  buttonLabel,
  currentPath,
  htmlLang,
  newPage,
  signIn,
  submitButton,
  submitWith,
  url,
  visit,
  withBrowser,
} from './lib.mjs';

/** The other demo accounts these tests use (same password as the agent's). */
const OFFICER = { email: 'formation@demo.relais.test', password: DEMO.agent.password };
const MANAGER = { email: 'manager@demo.relais.test', password: DEMO.agent.password };

const OPEN_SERIES = 'Webinaire : encadrer ses doctorants à distance (ouvert à tous)';
const SUPERVISORS_SERIES = 'Webinaire : encadrer ses doctorants à distance';
const SEARCH = 'webinaire doctorants';

const REGISTER_FORM = 'form[method="post" i][action$="/register"]';
const CANCEL_FORM = 'form[method="post" i][action*="/cancel"]';
const ACCEPT_FORM = 'form[method="post" i][action$="/accept"]';
const FEED_FORM = 'form[method="post" i][action="/training/my/calendar"]';
const TOKEN_FORM = 'form[method="post" i][action="/me/tokens"]';

/**
 * The words the tests look for. The browser asks for French, but a signed-in
 * person's own language setting wins, and some demo accounts (the manager's)
 * prefer English: the checks follow the page's `<html lang>`.
 */
const WORDS = {
  fr: {
    register: "S'inscrire",
    joinWaitlist: "Rejoindre la liste d'attente",
    cancel: "Annuler l'inscription",
    accept: 'Accepter la place',
    yourRegistration: 'Votre inscription :',
    confirmedNotice: /^Votre inscription est confirmée\b/,
    waitlistedNotice: /liste d'attente/,
    confirmed: 'Inscrit·e',
    waitlisted: (n) => `Sur liste d'attente (rang ${n})`,
    offered: /Place proposée — à accepter avant le \S/,
    cancelled: 'Annulée',
    feedButton: /^(Créer une |Remplacer l')adresse d'abonnement$/,
  },
  en: {
    register: 'Register',
    joinWaitlist: 'Join the waitlist',
    cancel: 'Cancel the registration',
    accept: 'Accept the seat',
    yourRegistration: 'Your registration:',
    confirmedNotice: /^Your registration is confirmed\b/,
    waitlistedNotice: /waitlist/,
    confirmed: 'Registered',
    waitlisted: (n) => `On the waitlist (position ${n})`,
    offered: /Seat offered — accept before \S/,
    cancelled: 'Cancelled',
    feedButton: /^(Create a|Replace the) subscription address$/,
  },
};

/** The words of the page's language. */
async function wordsOf(page) {
  const lang = await htmlLang(page);
  const words = WORDS[lang];
  assert.ok(words, `unexpected <html lang="${lang}"> on ${page.url()}`);
  return words;
}

/** Whitespace collapsed, for comparing visible text. */
function squash(text) {
  return (text || '').replace(/\s+/g, ' ').trim();
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A random suffix for the titles and labels a run creates. */
function nonce() {
  return randomBytes(4).toString('hex');
}

/**
 * An iCalendar text with its folded lines joined again (RFC 5545 §3.1) and
 * its TEXT escapes undone (§3.3.11), so that a regex can find a summary.
 */
function unfoldIcs(ics) {
  return ics
    .replace(/\r?\n[ \t]/g, '')
    .replace(/\\([\\;,])/g, '$1')
    .replace(/\\[nN]/g, '\n');
}

/** Checks an iCalendar answer: its type, an event for `sessionId`, the course title. */
async function assertCalendarHas(response, { sessionId, title, what }) {
  assert.equal(response.status(), 200, `${what}: status`);
  assert.match(response.headers()['content-type'] || '', /^text\/calendar\b/i, `${what}: content type`);
  const ics = unfoldIcs(await response.text());
  assert.match(ics, /^BEGIN:VCALENDAR\r?$/m, `${what}: a VCALENDAR`);
  assert.match(ics, /^BEGIN:VEVENT\r?$/m, `${what}: at least one VEVENT`);
  assert.match(
    ics,
    new RegExp(`^UID:session-${sessionId}@\\S+\\r?$`, 'm'),
    `${what}: an event with UID:session-${sessionId}@…`,
  );
  assert.match(
    ics,
    new RegExp(`^SUMMARY[;:].*${escapeRegExp(title)}`, 'm'),
    `${what}: the course title "${title}" as a SUMMARY`,
  );
}

/** The session id in a `/training/sessions/{id}` href or URL. */
function sessionIdOf(href) {
  const m = /\/training\/sessions\/(\d+)(?:[/?#]|$)/.exec(href || '');
  assert.ok(m, `not a session link: ${href}`);
  return Number(m[1]);
}

/** The text of the page's one `p.notice[role=status]` (shown after registering). */
async function noticeText(page) {
  const notice = page.locator('main p.notice[role="status"]');
  assert.equal(await notice.count(), 1, `expected one p.notice[role=status] on ${page.url()}`);
  return squash(await notice.innerText());
}

/** The session page's "Votre inscription : …" line, or null when there is none. */
async function myRegistrationLine(page) {
  const w = await wordsOf(page);
  const line = page.locator('main p:not(.notice)', { hasText: w.yourRegistration });
  const n = await line.count();
  assert.ok(n <= 1, `at most one "${w.yourRegistration}" line on ${page.url()} (found ${n})`);
  return n === 1 ? squash(await line.innerText()) : null;
}

/** Checks the session page's registration line says `status`. */
async function assertMyStatus(page, status, what) {
  const w = await wordsOf(page);
  assert.equal(await myRegistrationLine(page), `${w.yourRegistration} ${status}`, what);
}

/** Clicks the session page's register button, after checking its label. */
async function register(page, labelKey) {
  const w = await wordsOf(page);
  const button = submitButton(page, REGISTER_FORM);
  assert.equal(await button.count(), 1, `expected one register button on ${page.url()}`);
  assert.equal(await buttonLabel(button), w[labelKey], 'register button label');
  await submitWith(page, button);
}

/**
 * The row of /training/my's table for the signed-in person's live
 * registration to session `id`: the one with a cancel button (cancelled
 * registrations stay listed, without one).
 */
function myActiveRow(page, id) {
  return page
    .locator('main table tbody tr', { has: page.locator(`a[href="/training/sessions/${id}"]`) })
    .filter({ has: page.locator(`${CANCEL_FORM} button`) });
}

/** Cancels from the session page `id`, and checks the page offers to register again. */
async function cancelOnSessionPage(page, id) {
  await visit(page, `/training/sessions/${id}`);
  const w = await wordsOf(page);
  const button = submitButton(page, CANCEL_FORM);
  assert.equal(await button.count(), 1, `expected one cancel button on ${page.url()}`);
  assert.equal(await buttonLabel(button), w.cancel, 'cancel button label');
  await submitWith(page, button);
  assert.equal(currentPath(page), `/training/sessions/${id}`, 'cancelling comes back to the session page');
  assert.equal(await submitButton(page, REGISTER_FORM).count(), 1, 'after cancelling, the register form is back');
  assert.equal(await myRegistrationLine(page), null, 'no registration line after cancelling');
}

/**
 * After a failure: cancels the signed-in person's registration to session
 * `id` if there is one, so that the demo stays as it was. Never throws (the
 * failure that led here is the one to report).
 */
async function cancelQuietly(page, id) {
  try {
    await page.goto(url(`/training/sessions/${id}`), { waitUntil: 'load' });
    const button = submitButton(page, CANCEL_FORM);
    if ((await button.count()) === 1) await submitWith(page, button);
  } catch {
    // Nothing more to do.
  }
}

/** Searches the catalogue as a person would: fills in the form and submits it. */
async function searchCatalogue(page, words) {
  await visit(page, '/training');
  const q = page.locator('main form[role="search"] input#q');
  assert.equal(await q.count(), 1, 'search field input#q');
  assert.equal(await q.getAttribute('type'), 'search');
  assert.equal(await q.getAttribute('name'), 'q');
  assert.equal(await page.locator('main select#format').count(), 1, 'format select');
  assert.equal(await page.locator('main input#seats[type="checkbox"]').count(), 1, 'seats checkbox');
  await q.fill(words);
  await submitWith(page, page.getByRole('button', { name: 'Rechercher', exact: true }));
  assert.equal(currentPath(page), '/training', 'the search stays on /training');
  assert.equal(new URL(page.url()).searchParams.get('q'), words, 'the query is in the URL');
  assert.equal(await page.locator('input#q').inputValue(), words, 'the search field keeps the query');
}

/** The catalogue's session links whose text contains `text`. */
function sessionLinks(page, text) {
  return page.locator('main table a[href^="/training/sessions/"]', { hasText: text });
}

test('the agent finds the open webinar, registers, finds it in their calendars, and cancels', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser);
    await signIn(page, DEMO.agent);

    await searchCatalogue(page, SEARCH);
    assert.equal(await htmlLang(page), 'fr', 'the agent reads the catalogue in French');
    const links = sessionLinks(page, 'ouvert à tous');
    const n = await links.count();
    assert.ok(n >= 1, `searching "${SEARCH}" lists sessions of "${OPEN_SERIES}" (found ${n})`);
    assert.ok(
      (await sessionLinks(page, SUPERVISORS_SERIES).count()) > n,
      `the search also finds "${SUPERVISORS_SERIES}"`,
    );
    const link = links.first();
    assert.equal(squash(await link.innerText()), OPEN_SERIES, 'the link text is the course title');
    const id = sessionIdOf(await link.getAttribute('href'));
    await submitWith(page, link);
    assert.equal(currentPath(page), `/training/sessions/${id}`);
    assert.equal(squash(await page.locator('main h1').innerText()), OPEN_SERIES, 'session page <h1>');
    const w = await wordsOf(page);

    await register(page, 'register');
    let cancelled = false;
    try {
      assert.match(await noticeText(page), w.confirmedNotice, 'confirmation notice');
      await assertMyStatus(page, w.confirmed, 'registration line after registering');
      assert.equal(await submitButton(page, CANCEL_FORM).count(), 1, 'a cancel button once registered');

      // "Mes formations" lists it as confirmed.
      await visit(page, '/training/my');
      const row = myActiveRow(page, id);
      assert.equal(await row.count(), 1, `/training/my lists the registration to session ${id}`);
      assert.match(squash(await row.innerText()), new RegExp(escapeRegExp(w.confirmed)), 'its status on /training/my');
      assert.equal(await row.locator(ACCEPT_FORM).count(), 0, 'no accept button for a confirmed seat');

      // The calendar, downloaded while signed in (the page's cookies).
      const own = await page.request.get(url('/api/v1/me/calendar.ics'), { timeout: ACTION_TIMEOUT_MS });
      await assertCalendarHas(own, { sessionId: id, title: OPEN_SERIES, what: '/api/v1/me/calendar.ics' });

      // The secret subscription address, fetched without any cookie.
      const feedButton = submitButton(page, FEED_FORM);
      assert.equal(await feedButton.count(), 1, 'one calendar-feed button on /training/my');
      // "Créer…" the first time, "Remplacer…" once an earlier run made one.
      assert.match(await buttonLabel(feedButton), w.feedButton, 'calendar-feed button label');
      await submitWith(page, feedButton);
      assert.equal(currentPath(page), '/training/my/calendar');
      const code = page.locator('main code', { hasText: '/training/calendar/' });
      assert.equal(await code.count(), 1, 'the new feed address is shown once');
      const shown = squash(await code.innerText());
      const m = /^https?:\/\/[^/\s]+(\/training\/calendar\/[A-Za-z0-9_-]+\.ics)$/.exec(shown);
      assert.ok(m, `the feed address looks like http://…/training/calendar/TOKEN.ics, got "${shown}"`);
      assert.match(await buttonLabel(submitButton(page, FEED_FORM)), /^Remplacer\b/, 'once made, the address can be replaced');
      const anonymous = await browser.newContext();
      try {
        // The path on the server under test: the host shown is the configured public URL.
        const feed = await anonymous.request.get(url(m[1]), { timeout: ACTION_TIMEOUT_MS });
        await assertCalendarHas(feed, { sessionId: id, title: OPEN_SERIES, what: 'the secret feed' });
        const wrong = await anonymous.request.get(url('/training/calendar/not-a-real-token.ics'), { timeout: ACTION_TIMEOUT_MS });
        assert.equal(wrong.status(), 404, 'an unknown feed token answers 404');
        const api = await anonymous.request.get(url('/api/v1/me/calendar.ics'), { timeout: ACTION_TIMEOUT_MS });
        assert.equal(api.status(), 401, '/api/v1/me/calendar.ics needs a signed-in person');
      } finally {
        await anonymous.close();
      }

      // Cancel, which leaves the demo as it was.
      await cancelOnSessionPage(page, id);
      cancelled = true;

      // Once cancelled, the session leaves the calendar.
      const after = await page.request.get(url('/api/v1/me/calendar.ics'), { timeout: ACTION_TIMEOUT_MS });
      assert.equal(after.status(), 200);
      assert.doesNotMatch(
        unfoldIcs(await after.text()),
        new RegExp(`^UID:session-${id}@`, 'm'),
        'a cancelled registration leaves the calendar',
      );
    } finally {
      if (!cancelled) await cancelQuietly(page, id);
    }
  });
});

/**
 * Makes an API token on /me (the only page that makes them) and returns it:
 * it is shown once, in a `<code>` starting with `rls_`.
 */
async function createToken(page, label) {
  await visit(page, '/me');
  const form = page.locator(TOKEN_FORM);
  assert.equal(await form.count(), 1, 'the token form on /me');
  await form.locator('input#label').fill(label);
  await form.locator('input#days').fill('1');
  await submitWith(page, submitButton(page, TOKEN_FORM).first());
  const code = page.locator('main code', { hasText: /^\s*rls_/ });
  assert.equal(await code.count(), 1, `the new token is shown once on ${page.url()}`);
  const token = squash(await code.innerText());
  assert.match(token, /^rls_\S+$/, 'token format');
  return token;
}

/** Revokes on /me the token with this label. Never throws: it is only tidying up. */
async function revokeTokenQuietly(page, label) {
  try {
    await visit(page, '/me');
    const row = page.locator('main table tbody tr', { has: page.locator('td', { hasText: label }) });
    const button = row.locator('form[action^="/me/tokens/"][action$="/revoke"] button');
    if ((await button.count()) === 1) await submitWith(page, button);
  } catch {
    // Nothing more to do.
  }
}

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** An RFC 3339 time `ms` from now, in UTC, without milliseconds. */
function isoIn(ms) {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * As the national training officer: signs in, makes a token on /me and,
 * through the API, a workshop with one session of `capacity` seats ten days
 * from now. Returns the course's title and the session's id.
 */
async function createSmallSession(browser, { capacity }) {
  const page = await newPage(browser);
  try {
    await signIn(page, OFFICER);
    const label = `Test navigateur ${nonce()}`;
    const token = await createToken(page, label);
    try {
      const auth = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
      const title = `Atelier test navigateur ${nonce()}`;
      const course = await page.request.post(url('/api/v1/courses'), {
        headers: auth,
        data: { title, format: 'workshop' },
        timeout: ACTION_TIMEOUT_MS,
      });
      assert.equal(course.status(), 201, `POST /api/v1/courses answered: ${await course.text()}`);
      const courseId = (await course.json()).id;
      assert.ok(Number.isInteger(courseId), 'the new course has an id');

      const session = await page.request.post(url(`/api/v1/courses/${courseId}/sessions`), {
        headers: auth,
        data: {
          starts_at: isoIn(10 * DAY_MS),
          ends_at: isoIn(10 * DAY_MS + 3 * HOUR_MS),
          capacity,
        },
        timeout: ACTION_TIMEOUT_MS,
      });
      assert.equal(session.status(), 201, `POST /api/v1/courses/${courseId}/sessions answered: ${await session.text()}`);
      const sessionId = (await session.json()).id;
      assert.ok(Number.isInteger(sessionId), 'the new session has an id');

      // The session cookie is enough to read.
      const got = await page.request.get(url(`/api/v1/sessions/${sessionId}`), { timeout: ACTION_TIMEOUT_MS });
      assert.equal(got.status(), 200, `GET /api/v1/sessions/${sessionId}`);
      const s = await got.json();
      assert.equal(s.course_title, title, 'the session belongs to the new course');
      assert.equal(s.capacity, capacity, 'capacity');
      assert.equal(s.seats_left, capacity, 'all seats free');
      return { title, sessionId };
    } finally {
      await revokeTokenQuietly(page, label);
    }
  } finally {
    await page.context().close();
  }
}

test('a waitlisted person is offered the seat that frees up, and accepts it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withBrowser(async (browser) => {
    const { title, sessionId: id } = await createSmallSession(browser, { capacity: 1 });
    const path = `/training/sessions/${id}`;

    const agent = await newPage(browser);
    const manager = await newPage(browser);
    const registered = { agent: false, manager: false };
    try {
      // The agent takes the only seat.
      await signIn(agent, DEMO.agent);
      await visit(agent, path);
      assert.equal(squash(await agent.locator('main h1').innerText()), title, 'session page <h1>');
      const wa = await wordsOf(agent);
      await register(agent, 'register');
      registered.agent = true;
      assert.match(await noticeText(agent), wa.confirmedNotice, "the agent's confirmation");
      await assertMyStatus(agent, wa.confirmed, "the agent's registration line");

      // The manager finds the session full and joins the waitlist.
      await signIn(manager, MANAGER);
      await visit(manager, path);
      const wm = await wordsOf(manager);
      if ((await htmlLang(manager)) !== 'fr') {
        t.diagnostic(`the demo manager's own language setting is "${await htmlLang(manager)}": checking their pages in it`);
      }
      await register(manager, 'joinWaitlist');
      registered.manager = true;
      assert.match(await noticeText(manager), wm.waitlistedNotice, "the manager's waitlist notice");
      await assertMyStatus(manager, wm.waitlisted(1), "the manager's registration line");
      await visit(manager, '/training/my');
      const waiting = myActiveRow(manager, id);
      assert.equal(await waiting.count(), 1, `the manager's /training/my lists session ${id}`);
      assert.ok(squash(await waiting.innerText()).includes(wm.waitlisted(1)), 'waitlisted, first, on /training/my');
      assert.equal(await waiting.locator(ACCEPT_FORM).count(), 0, 'nothing to accept yet');

      // The agent cancels from "Mes formations".
      await visit(agent, '/training/my');
      const mine = myActiveRow(agent, id);
      assert.equal(await mine.count(), 1, `the agent's /training/my lists session ${id}`);
      assert.ok(squash(await mine.innerText()).includes(wa.confirmed), "the agent's seat on /training/my");
      const cancel = mine.locator(`${CANCEL_FORM} button`);
      assert.equal(await buttonLabel(cancel), wa.cancel);
      await submitWith(agent, cancel);
      registered.agent = false;
      assert.equal(currentPath(agent), '/training/my', 'cancelling from /training/my comes back to it');
      assert.equal(await myActiveRow(agent, id).count(), 0, 'no live registration left for the agent');

      // The seat is offered to the manager at once, who accepts it.
      await manager.reload({ waitUntil: 'load' });
      const offered = myActiveRow(manager, id);
      assert.equal(await offered.count(), 1, `session ${id} is still on the manager's /training/my`);
      assert.match(squash(await offered.innerText()), wm.offered, 'the offer and its deadline on /training/my');
      const accept = offered.locator(`${ACCEPT_FORM} button`);
      assert.equal(await accept.count(), 1, 'one accept button');
      assert.equal(await buttonLabel(accept), wm.accept);
      await submitWith(manager, accept);
      assert.equal(currentPath(manager), '/training/my', 'accepting comes back to /training/my');
      const confirmed = myActiveRow(manager, id);
      assert.equal(await confirmed.count(), 1);
      const text = squash(await confirmed.innerText());
      assert.ok(text.includes(wm.confirmed), `the manager now has the seat: "${text}"`);
      assert.doesNotMatch(text, wm.offered, 'no longer an offer');
      assert.equal(await confirmed.locator(ACCEPT_FORM).count(), 0, 'no accept button any more');

      // The session pages agree: the manager holds the seat, the session is full.
      await visit(manager, path);
      await assertMyStatus(manager, wm.confirmed, "the manager's registration line");
      await visit(agent, path);
      assert.equal(await buttonLabel(submitButton(agent, REGISTER_FORM)), wa.joinWaitlist, 'the session is full again');
    } finally {
      // Tidy up: nobody stays registered for the test's session.
      if (registered.agent) await cancelQuietly(agent, id);
      if (registered.manager) await cancelQuietly(manager, id);
      await agent.context().close();
      await manager.context().close();
    }
  });
});

test('the training pages have no serious accessibility violation', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser, { bypassCSP: true });
    await signIn(page, DEMO.agent);

    await searchCatalogue(page, SEARCH);
    await assertAccessible(t, page, 'the catalogue with a search');

    await submitWith(page, sessionLinks(page, 'ouvert à tous').first());
    assert.match(currentPath(page), /^\/training\/sessions\/\d+$/);
    await assertAccessible(t, page, 'a session page');

    const course = page.getByRole('link', { name: 'Voir la formation et ses autres sessions', exact: true });
    assert.equal(await course.count(), 1, 'the session page links to its course');
    await submitWith(page, course);
    assert.match(currentPath(page), /^\/training\/courses\/\d+$/);
    assert.equal(squash(await page.locator('main h1').innerText()), OPEN_SERIES, 'course page <h1>');
    assert.ok(
      (await page.locator('main table a[href^="/training/sessions/"]').count()) >= 1,
      'the course page lists its sessions',
    );
    await assertAccessible(t, page, 'a course page');

    await visit(page, '/training/my');
    await assertAccessible(t, page, '/training/my');
  });
});
