// A lockdown in Chromium against `relais demo`: the national training officer
// selects the in-person sessions of the demo agent's delegation for the next
// four weeks, previews, moves two online (one of them the agent's) and
// postpones the rest, and reads the cost ledger; the agent sees the session
// moved online and the postponed one, and their calendar withdraws the
// postponed event. The disruption is undone at the end (its notices wait for
// the undo delay), so the demo is left as it was. axe-core checks each page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACTION_TIMEOUT_MS,
  DEMO,
  TEST_TIMEOUT_MS,
  assertAccessible,
  currentPath,
  newPage,
  signIn,
  submitWith,
  url,
  visit,
  withBrowser,
} from './lib.mjs';

const OFFICER = { email: 'formation@demo.relais.test', password: DEMO.agent.password };
const LINK = 'https://visio.demo.relais.test/confinement';

function day(offset) {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The VEVENT of a session in an iCalendar text, unfolded. */
function eventOf(ics, sessionId) {
  const text = ics.replace(/\r?\n[ \t]/g, '');
  return text
    .split('BEGIN:VEVENT')
    .slice(1)
    .find((e) => e.includes(`UID:session-${sessionId}@`));
}

test('a lockdown: two sessions go online, the rest are postponed, the agent sees it', { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
  await withBrowser(async (browser) => {
    const agent = await newPage(browser, { bypassCSP: true });
    await signIn(agent, DEMO.agent);
    await visit(agent, '/me');
    const me = await agent.locator('main').innerText();
    await visit(agent, '/training/my');
    const mine = await agent
      .locator('main a[href^="/training/sessions/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href').split('/').pop()));
    assert.ok(mine.length >= 3, `the demo agent has sessions to come: ${mine}`);

    const officer = await newPage(browser, { bypassCSP: true });
    await signIn(officer, OFFICER);
    await visit(officer, '/training/office/disruptions');
    await assertAccessible(t, officer, 'disruption selection');
    const options = await officer
      .locator('#delegation option')
      .evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
    const delegation = options.find((o) => o.value && me.includes(o.label));
    assert.ok(delegation, `the agent's delegation is one of ${options.map((o) => o.label)}`);
    await officer.locator('#from').fill(day(0));
    await officer.locator('#to').fill(day(28));
    await officer.locator('#delegation').selectOption(delegation.value);
    await officer.locator('#format').selectOption('in_person');
    await officer.locator('#action').selectOption('postpone');
    await submitWith(officer, officer.locator('form[action="/training/office/disruptions"][method="get"] button[type="submit"]'));
    await assertAccessible(t, officer, 'disruption sessions');
    const rows = await officer
      .locator('select[name^="a_"]')
      .evaluateAll((ss) => ss.map((s) => s.name.slice(2)));
    const agentRows = rows.filter((id) => mine.includes(id));
    assert.ok(agentRows.length >= 2, `the agent's sessions are selected: ${agentRows} in ${rows}`);
    const [online, postponed] = agentRows;
    const other = rows.find((id) => !mine.includes(id));
    assert.ok(other, 'another session of the delegation');
    for (const id of [online, other]) {
      await officer.locator(`select[name="a_${id}"]`).selectOption('online');
      await officer.locator(`input[name="l_${id}"]`).fill(LINK);
    }
    await submitWith(officer, officer.locator('form[action="/training/office/disruptions/preview"] button[type="submit"]'));
    const preview = await officer.locator('main').innerText();
    assert.match(preview, /personnes/);
    assert.match(preview, /Coût/);
    await assertAccessible(t, officer, 'disruption preview');
    await submitWith(officer, officer.locator('form[action="/training/office/disruptions"][method="post"] button[type="submit"]'));
    assert.match(currentPath(officer), /^\/training\/office\/disruptions\/\d+$/);
    const disruption = currentPath(officer);
    assert.match(await officer.locator('#disruption-status').innerText(), /annulable/);
    await assertAccessible(t, officer, 'disruption page');

    await visit(officer, '/training/office/ledger');
    const total = await officer.locator('#ledger-total').innerText();
    assert.match(total, /\d,\d\d €/);
    assert.notEqual(total.trim(), '0,00 €', 'releasing venues and hotels costs something');
    await assertAccessible(t, officer, 'cost ledger');

    // The agent sees the session moved online and the one postponed.
    await visit(agent, `/training/sessions/${online}`);
    assert.ok((await agent.locator('main').innerText()).includes(LINK), 'the video link is on the session page');
    await visit(agent, `/training/sessions/${postponed}`);
    assert.match(await agent.locator('main').innerText(), /Reportée/);
    const feed = await agent.request.get(url('/api/v1/me/calendar.ics'), { timeout: ACTION_TIMEOUT_MS });
    assert.equal(feed.status(), 200);
    const ics = await feed.text();
    assert.match(eventOf(ics, postponed) || '', /STATUS:CANCELLED/, 'the postponed session is withdrawn from the calendar');
    const moved = eventOf(ics, online) || '';
    assert.ok(moved.includes(LINK), 'the session moved online carries its link');
    assert.doesNotMatch(moved, /STATUS:CANCELLED/);

    // Undo: the sessions come back as they were.
    await visit(officer, disruption);
    await submitWith(officer, officer.locator(`form[action="${disruption}/undo"] button[type="submit"]`));
    assert.match(await officer.locator('#disruption-status').innerText(), /Annulée/);
    await visit(agent, `/training/sessions/${postponed}`);
    assert.doesNotMatch(await agent.locator('main').innerText(), /Reportée/);
  });
});
