import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startMock, type RunningMock } from '../src/mock.js';
import { apiClient } from './helpers/client.js';
import { distinctColours, launchChromium } from './helpers/browser.js';
import { cardholderBody, fixtureCard, fixtureCardholder } from './helpers/data.js';

/** `npm run screenshots` points this at docs/screenshots; the test run keeps them in the temp dir. */
const SHOTS = process.env.SCREENSHOTS_DIR ?? path.join(os.tmpdir(), 'axys-mock-screenshots');
const TOKEN = 'dashboard-test-token';

let mock: RunningMock;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [mock, browser] = await Promise.all([startMock({ controlToken: TOKEN, validateResponses: true }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

async function open(panel: string) {
  await page.click(`nav a[data-panel=${panel}]`);
  await page.waitForSelector(`[data-testid=panel-${panel}]`);
}

async function screenshot(panel: string) {
  await page.waitForTimeout(300);
  const png = await page.screenshot();
  writeFileSync(path.join(SHOTS, `${panel}.png`), png);
  const { colours, nonBackground } = await distinctColours(page, png);
  // a drawn panel: text, badges and tables in many shades, and a good share of pixels off the background
  expect(colours, `${panel} screenshot colours`).toBeGreaterThan(50);
  expect(nonBackground, `${panel} screenshot pixels off the background`).toBeGreaterThan(5000);
}

describe('the dashboard in headless Chromium', () => {
  it('/ redirects to the dashboard, which asks for CONTROL_TOKEN and then opens', async () => {
    await page.goto(`${mock.controlUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/_mock/ui/');
    await page.fill('input[name=token]', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=panel-journal]');
    await page.waitForSelector('[data-testid=live]:text("live")');
  }, 30_000);

  it('a request over mTLS appears live with its decision chain, and copies as curl with certificate flags', async () => {
    const res = await apiClient(mock).get(`/v2/cards/${fixtureCard.active}`);
    expect(res.status).toBe(200);
    const id = String(res.headers['x-request-id']);
    const row = page.locator(`tr[data-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('ok');
    await row.click();
    const chain = page.locator('[data-testid=chain]');
    await chain.waitFor();
    const steps = await chain.locator('li').allTextContents();
    expect(steps.map((s) => s.split(' ').slice(0, 2).join(' '))).toEqual(['pass tls', 'pass allowlist', 'pass fcrdns', 'pass apiKey', 'pass rateLimit']);
    const curl = await page.locator('[data-testid=entry-curl]').textContent();
    expect(curl).toContain('--cert client.pem --key client.key');
    expect(curl).toContain(`${mock.apiUrl}/v2/cards/${fixtureCard.active}`);
    await screenshot('journal');
  }, 30_000);

  it("journal: a row's state link opens the state browser on that record", async () => {
    const res = await apiClient(mock).get(`/v2/cards/${fixtureCard.active}`);
    const row = page.locator(`tr[data-id="${String(res.headers['x-request-id'])}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await page.click(`[data-testid=detail] a:has-text("card ${fixtureCard.active}")`);
    await page.waitForSelector('[data-testid=panel-state]');
    await expect.poll(() => page.locator('[data-testid=state-detail]').textContent(), { timeout: 10_000 }).toContain(String(fixtureCard.active));
    expect(await page.locator('button[data-tab=cards]').getAttribute('class')).toBe('primary');
    await open('journal');
  }, 30_000);

  it('state browser: a cardholder with its status name, next steps and locked fields', async () => {
    await open('state');
    await page.click('button[data-tab=cardholders]');
    await page.click('[data-testid=state-table] tbody tr >> nth=0');
    const detail = await page.locator('[data-testid=state-detail]').textContent();
    expect(detail).toMatch(/next steps/);
    expect(detail).toMatch(/locked fields/);
    await screenshot('state');
  }, 30_000);

  it('simulate: a card deposit through the platform, with its curl, and it lands in the journal', async () => {
    await open('simulate');
    await page.selectOption('select[name=card]', String(fixtureCard.active));
    await page.click('button[data-action="Card deposit"]');
    const result = page.locator('[data-testid=result]');
    await result.waitFor();
    expect(await page.locator('[data-testid=curl]').textContent()).toContain(`/v2/staging/cards/${fixtureCard.active}/deposit`);
    expect(await result.textContent(), 'the platform call answered').toContain('"status": 200');
    expect(mock.journal.query({ operationId: 'stagingCardDeposit' }).total).toBe(1);
    await screenshot('simulate');
  }, 30_000);

  it('simulate: KYC pass on a cardholder under review approves it, through the platform', async () => {
    await open('simulate');
    const approvedStatus = mock.store.state.cardholders.find((c) => c.cardholderId === fixtureCardholder.approved)!.status;
    const before = mock.store.state.cardholders.find((c) => c.cardholderId === fixtureCardholder.underReview)!.status;
    expect(before).not.toBe(approvedStatus);
    await page.selectOption('select[name=cardholder]', String(fixtureCardholder.underReview));
    await page.click('button[data-action="KYC pass"]');
    await expect.poll(() => page.locator('[data-testid=curl]').textContent(), { timeout: 10_000 }).toContain('/v2/staging/kyc/validate');
    await expect.poll(() => mock.store.state.cardholders.find((c) => c.cardholderId === fixtureCardholder.underReview)!.status, { timeout: 10_000 }).toBe(approvedStatus);
  }, 30_000);

  it('clock: freeze stops the mock clock where it is, unfreeze lets it run on from there', async () => {
    await open('clock');
    const state = page.locator('[data-testid=clock-state]');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('running');
    await page.click('[data-testid=clock-freeze]:text-is("freeze")');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toContain('frozen');
    expect(mock.clock.frozen).toBe(true);
    const stood = mock.clock.nowMs();
    await expect.poll(() => page.locator('[data-testid=clock-iso]').textContent(), { timeout: 10_000 }).toBe(new Date(stood).toISOString());
    // real time passes, the mock's stands (to the millisecond)
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(mock.clock.nowMs()).toBe(stood);
    await page.click('[data-testid=clock-freeze]:text-is("unfreeze")');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('running');
    expect(mock.clock.frozen).toBe(false);
    await expect.poll(() => mock.clock.nowMs(), { timeout: 10_000 }).toBeGreaterThan(stood);
  }, 30_000);

  it('clock: frozen, advancing a day moves the mock clock by exactly 86400 s; back to real time runs again with no offset', async () => {
    await open('clock');
    await page.click('[data-testid=clock-freeze]:text-is("freeze")');
    await expect.poll(() => page.locator('[data-testid=clock-state]').textContent(), { timeout: 10_000 }).toContain('frozen');
    const before = mock.clock.now();
    await page.click('button[data-advance="86400"]');
    await expect.poll(() => page.locator('[data-testid=clock-unix]').textContent(), { timeout: 10_000 }).toBe(String(before + 86400));
    expect(mock.clock.now()).toBe(before + 86400);
    expect(mock.clock.frozen).toBe(true);
    await screenshot('clock');
    await page.click('button:has-text("back to real time")');
    await expect.poll(() => page.locator('[data-testid=clock-state]').textContent(), { timeout: 10_000 }).toBe('running');
    expect(await page.locator('[data-testid=clock-offset]').textContent()).toBe('0 s from real time');
    expect(mock.clock.describe()).toMatchObject({ frozen: false, offsetSeconds: 0 });
  }, 30_000);

  it("faults: each program's live bucket per API key drops with requests over mTLS and refuses when empty", async () => {
    await open('faults');
    // a frozen clock refills nothing: the figures on the page are exact
    mock.clock.freeze();
    try {
      await page.click('button:has-text("preset: 1/s burst 2")');
      const key = mock.store.state.apiKeys.find((k) => k.programId === 1 && !k.revoked)!.apiKey;
      const row = page.locator(`[data-testid=rate-buckets] tr[data-key="${key}"]`);
      await expect.poll(() => row.locator('[data-testid=tokens]').textContent(), { timeout: 10_000 }).toBe('2 (unused)');
      expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(200);
      await expect.poll(() => row.locator('[data-testid=tokens]').textContent(), { timeout: 10_000 }).toBe('1.00');
      expect(await row.locator('[data-testid=full-in]').textContent()).toBe('1.0 s');
      expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(200);
      expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(429);
      await expect.poll(() => row.locator('[data-testid=tokens]').textContent(), { timeout: 10_000 }).toBe('0.00');
      expect(await row.locator('[data-testid=full-in]').textContent()).toBe('2.0 s');
      await page.click('button:has-text("preset: 100/s burst 200")');
      await expect.poll(() => row.locator('[data-testid=tokens]').textContent(), { timeout: 10_000 }).toBe('200 (unused)');
    } finally {
      mock.clock.unfreeze();
    }
  }, 30_000);

  it('faults: the IP-off-the-allowlist drill refuses the next request with its decision, and restoring lets it through', async () => {
    await open('faults');
    const allowlist = [...mock.store.state.programs.find((p) => p.programId === 1)!.allowlist];
    onTestFinished(async () => {
      // a failure midway must not leave the next tests off the allowlist
      await mock.control.programs.setAllowlist(1, allowlist);
    });
    await page.click('button[data-drill=ip-off]');
    await expect.poll(() => mock.store.state.programs.find((p) => p.programId === 1)!.allowlist, { timeout: 10_000 }).toEqual(['192.0.2.0/24']);
    const refused = await apiClient(mock).get('/v2/cardholders');
    expect(refused.status).toBe(403);
    await open('journal');
    const row = page.locator(`tr[data-id="${String(refused.headers['x-request-id'])}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    const steps = async () => (await page.locator('[data-testid=chain] li').allTextContents()).map((s) => s.split(' ').slice(0, 2).join(' '));
    await expect.poll(steps, { timeout: 10_000 }).toEqual(['pass tls', 'fail allowlist']);
    // the decision filter keeps the refusal and drops the answered requests
    await page.selectOption('select[name=decision]', 'ip_not_allowlisted');
    await expect.poll(() => page.locator('[data-testid=journal-table] tbody tr td:nth-child(5)').allTextContents(), { timeout: 10_000 }).toEqual(['ip_not_allowlisted']);
    await page.selectOption('select[name=decision]', '');
    await open('faults');
    await page.click('button[data-drill=ip-back]');
    await expect.poll(() => mock.store.state.programs.find((p) => p.programId === 1)!.allowlist, { timeout: 10_000 }).not.toEqual(['192.0.2.0/24']);
    expect((await apiClient(mock).get('/v2/cardholders')).status).toBe(200);
  }, 30_000);

  it('faults: a preset applied from the page fires on the next platform request', async () => {
    await open('faults');
    await page.click('button[data-preset=platform-429]');
    await page.waitForSelector('tr[data-rule=platform-429]');
    const res = await apiClient(mock).get('/v2/cardholders');
    expect(res.status).toBe(429);
    expect(res.headers['x-mock-fault']).toBe('platform-429');
    await expect.poll(() => page.locator('tr[data-rule=platform-429] [data-testid=fired]').textContent(), { timeout: 10_000 }).toBe('1');
    await screenshot('faults');
    await page.click('tr[data-rule=platform-429] button');
    await page.waitForSelector('tr[data-rule=platform-429]', { state: 'detached' });
  }, 30_000);

  it('webhooks: the 3-DS webhook arrives in the built-in sink', async () => {
    await open('webhooks');
    await page.click('button[data-action=subscribe-sink]');
    await page.locator('[data-testid=result]:has-text("OTP listener")').waitFor();
    await page.click('button[data-action=challenge]');
    await page.waitForSelector('[data-testid=sink-table] tbody tr', { timeout: 10_000 });
    expect(await page.locator('[data-testid=sink-table] tbody tr').first().textContent()).toMatch(/"cardId":\d+/);
    await page.waitForSelector('[data-testid=deliveries] .b-delivered', { timeout: 10_000 });
    await screenshot('webhooks');
    // redeliver: a second delivery of the same payload, marked as such, and a second arrival in the sink
    const arrived = await page.locator('[data-testid=sink-table] tbody tr').count();
    await page.click('[data-testid=deliveries] tbody tr >> nth=0 >> button:has-text("redeliver")');
    await page.waitForSelector('[data-testid=deliveries] tbody tr:has-text("↻")', { timeout: 10_000 });
    await expect.poll(() => page.locator('[data-testid=sink-table] tbody tr').count(), { timeout: 10_000 }).toBe(arrived + 1);
  }, 30_000);

  it('credentials: onboarding a program shows its API key, files and snippets', async () => {
    await open('credentials');
    await page.click('button[data-action=onboard]');
    await page.locator('[data-testid=material]').waitFor();
    const key = await page.locator('[data-testid=api-key]').textContent();
    expect(mock.store.state.apiKeys.some((k) => k.apiKey === key)).toBe(true);
    expect(await page.locator('[data-testid=snippet]').textContent()).toContain('--cert client.pem');
    const download = page.waitForEvent('download');
    await page.click('button[data-action=p12]');
    expect((await download).suggestedFilename()).toBe('client.p12');
    await screenshot('credentials');
  }, 30_000);

  it('snapshots: save one and see it listed', async () => {
    await open('snapshots');
    await page.fill('input[placeholder=name]', 'before-drill');
    await page.click('button[data-action=save]');
    await page.waitForSelector('[data-testid=snapshots] tbody tr:has-text("before-drill")');
    await screenshot('snapshots');
    // a change after the snapshot, then restore from the page: the change is gone
    const created = await apiClient(mock).post('/v2/cardholders', cardholderBody({ emailAdr: 'after.snapshot@example.com' }));
    expect(created.status, created.text).toBeLessThan(300);
    const id = created.body.cardholderId as number;
    expect((await apiClient(mock).get(`/v2/cardholders/${id}`)).status).toBe(200);
    await page.click('[data-testid=snapshots] tbody tr:has-text("before-drill") button[data-restore]');
    await expect.poll(async () => (await apiClient(mock).get(`/v2/cardholders/${id}`)).status, { timeout: 10_000 }).toBe(404);
  }, 30_000);
});
