// The IT desk in Chromium against `relais demo`: the demo agent types
// "ma box ne marche plus", is offered an article and the active known issue
// while typing, opens a ticket anyway; IT staff answer it from the queue; the
// agent sees the answer. axe-core checks the request form, the ticket page,
// the knowledge-base search and the desk queue.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  DEMO,
  TEST_TIMEOUT_MS,
  assertAccessible,
  currentPath,
  newPage,
  signIn,
  submitWith,
  visit,
  withBrowser,
} from './lib.mjs';

const STAFF = { email: 'informatique@demo.relais.test', password: DEMO.agent.password };

test('an agent is offered answers, opens a ticket anyway, and IT staff answer it', { timeout: TEST_TIMEOUT_MS * 2 }, async (t) => {
  await withBrowser(async (browser) => {
    const marker = randomBytes(4).toString('hex');
    const agent = await newPage(browser, { bypassCSP: true });
    await signIn(agent, DEMO.agent);

    // The home page carries the crisis banner.
    await visit(agent, '/');
    assert.match(await agent.locator('main').innerText(), /fournisseur d.accès/i, 'the known issue is on the home page');

    await visit(agent, '/desk');
    await assertAccessible(t, agent, 'request form');
    await agent.locator('#subject').pressSequentially('ma box ne marche plus', { delay: 20 });
    // Suggestions follow the typing: an article and the known issue.
    const suggestions = agent.locator('#suggestions');
    await suggestions.locator('a[href^="/desk/kb/"]').first().waitFor();
    assert.match(await suggestions.innerText(), /box/i);
    assert.match(await suggestions.innerText(), /fournisseur d.accès/i, 'the active known issue is offered');
    await assertAccessible(t, agent, 'request form with suggestions');

    // Opens a ticket anyway.
    await agent.locator('#description').fill(`Le voyant clignote en rouge depuis ce matin (${marker}).`);
    await submitWith(agent, agent.locator('#new-ticket button[type="submit"]:not([name])'));
    const path = currentPath(agent);
    assert.match(path, /^\/desk\/tickets\/\d+$/, `landed on ${agent.url()}`);
    const id = path.split('/').pop();
    assert.match(await agent.locator('main').innerText(), /Votre demande est enregistrée/);
    await assertAccessible(t, agent, 'ticket page (agent)');

    // IT staff find it in the queue and answer.
    const staff = await newPage(browser, { bypassCSP: true });
    await signIn(staff, STAFF);
    await visit(staff, `/desk/queue?q=${marker}`);
    await assertAccessible(t, staff, 'desk queue');
    await submitWith(staff, staff.locator(`a[href="/desk/tickets/${id}"]`).first());
    await assertAccessible(t, staff, 'ticket page (IT staff)');
    const answer = `Panne de l'opérateur, rétablissement sous 48 heures (${marker}).`;
    await staff.locator('#body').fill(answer);
    await submitWith(staff, staff.locator(`form[action="/desk/tickets/${id}/reply"] button[type="submit"]`));
    assert.match(await staff.locator('main').innerText(), /Réponse envoyée/);

    // The agent sees the answer.
    await visit(agent, `/desk/tickets/${id}`);
    assert.ok((await agent.locator('main').innerText()).includes(answer), 'the agent sees the answer');

    // The knowledge base's search, highlighted.
    await visit(agent, '/desk/kb?q=box%20internet');
    assert.ok((await agent.locator('mark').count()) > 0, 'matches are highlighted');
    await assertAccessible(t, agent, 'knowledge-base search');
  });
});

test('the public form works with its proof of work in the browser', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  await withBrowser(async (browser) => {
    const page = await newPage(browser, { bypassCSP: true });
    await visit(page, '/desk/public');
    await assertAccessible(t, page, 'public form');
    // The script solves the challenge and hides the sum.
    await page.waitForFunction(() => document.querySelector('input[name="pow"]').value !== '', null, { timeout: 60_000 });
    assert.equal(await page.locator('#sum-challenge').isHidden(), true);
  });
});
