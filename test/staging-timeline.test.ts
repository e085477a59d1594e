import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startMock, type RunningMock } from '../src/mock.js';
import { apiClient, controlClient } from './helpers/client.js';
import { cardholderBody } from './helpers/data.js';

const DAY = 86_400;
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A local receiver, as an integrator would run one. */
async function receiver() {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reminders`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('certificate expiry reminders (30, 15, 5 days before notAfter)', () => {
  it('a 90-day certificate: +61 days delivers the 30-day reminder, +25 more the 15- and 5-day ones in order, nothing twice after a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'axys-reminders-'));
    dirs.push(dir);
    const dataFile = path.join(dir, 'state.json');
    const rx = await receiver();
    let mock: RunningMock = await startMock({ dataFile, validateResponses: true });
    try {
      const control = () => controlClient(mock);
      expect((await control().put('/_mock/programs/1/reminder-url', { url: rx.url })).body.reminderUrl).toBe(rx.url);
      const cert = (await control().post('/_mock/certificates', { programId: 1, validDays: 90 })).body;
      expect((await control().post('/_mock/clock/advance', { seconds: 61 * DAY })).status).toBe(200);
      await until(() => rx.bodies.length >= 1);
      expect(rx.bodies).toEqual([{ event: 'certificate.expiring', serial: cert.serial, programId: 1, notAfter: cert.notAfter, daysLeft: 30 }]);
      const hooks = (await control().get('/_mock/webhooks')).body.items;
      expect(hooks[0]).toMatchObject({ event: 'certificate.expiring', programId: 1, url: rx.url, token: null, payload: { serial: cert.serial, daysLeft: 30 } });

      await control().post('/_mock/clock/advance', { seconds: 25 * DAY });
      await until(() => rx.bodies.length >= 3);
      expect(rx.bodies.map((b) => b.daysLeft)).toEqual([30, 15, 5]);
      expect(mock.store.state.certificateReminders.filter((r) => r.serial === cert.serial).map((r) => r.daysLeft)).toEqual([30, 15, 5]);
      // the certificate still works 4 days before its end (the mock clock is 86 days on)
      expect((await apiClient(mock, { cert }).get('/v2/cardholders')).status).toBe(200);

      await mock.close();
      mock = await startMock({ dataFile, validateResponses: true });
      // the clock starts at real time again: move it past all three thresholds once more
      await controlClient(mock).post('/_mock/clock/advance', { seconds: 89 * DAY });
      const pending = (await controlClient(mock).get('/_mock/clock/pending?limit=1000')).body.items;
      expect(pending.filter((e: any) => e.serial === cert.serial).map((e: any) => e.kind)).toEqual(['certificate.expires']);
      // another pass of the timeline, as a tick of the running clock would make: nothing is sent twice
      await controlClient(mock).post('/_mock/clock/advance', { seconds: 1 });
      expect(rx.bodies).toHaveLength(3);
    } finally {
      await mock.close();
      await rx.close();
    }
  }, 60_000);

  it('reminders fire while time simply passes too, and only for thresholds not already past at issuance', async () => {
    const rx = await receiver();
    const mock = await startMock({});
    try {
      const control = () => controlClient(mock);
      await control().put('/_mock/programs/1/reminder-url', { url: rx.url });
      // 10 days: the 30- and 15-day thresholds were already past at issuance, the 5-day one is ahead
      const cert = (await control().post('/_mock/certificates', { programId: 1, validDays: 10 })).body;
      const mine = (await control().get('/_mock/clock/pending?limit=1000')).body.items.filter((e: any) => e.serial === cert.serial);
      expect(mine.map((e: any) => [e.kind, e.daysLeft])).toEqual([['certificate.reminder', 5], ['certificate.expires', undefined]]);
      // jump to one second before the 5-day threshold, then let the real clock carry it over
      const dueAt = mine[0].dueAt as number;
      await control().put('/_mock/clock', { now: dueAt - 1 });
      expect(rx.bodies).toEqual([]);
      await until(() => rx.bodies.length >= 1, 5000);
      expect(rx.bodies[0]).toMatchObject({ serial: cert.serial, daysLeft: 5 });
    } finally {
      await mock.close();
      await rx.close();
    }
  }, 30_000);
});

describe('GET /_mock/clock/pending', () => {
  it('lists the timed events in due order, and the next advance applies exactly the ones it passes', async () => {
    const rx = await receiver();
    const mock = await startMock({ depositClearingSeconds: 3600, validateResponses: true });
    try {
      const control = () => controlClient(mock);
      const api = apiClient(mock);
      await control().put('/_mock/programs/1/reminder-url', { url: rx.url });
      await control().put('/_mock/programs/1/emulation', { seed: 7, weights: { approved: 1, complianceDecline: 0, adminDecline: 0, error: 0 }, reviewSeconds: { min: 1800, max: 1800 } });
      const cert = (await control().post('/_mock/certificates', { programId: 1, validDays: 35 })).body;
      const approved = mock.store.state.cardholders.find((c) => c.programId === 1 && c.status === 1)!;
      const card = mock.store.state.cards.find((c) => c.programId === 1 && c.cardholderId === approved.cardholderId);
      expect(card).toBeDefined();
      const deposit = await api.post(`/v2/staging/cards/${card!.cardId}/deposit`, { amount: '10.00' });
      expect(deposit.status).toBe(200);
      const draft = mock.store.state.cardholders.find((c) => c.programId === 1 && (c.status === 4 || c.status === 0))!;
      expect((await api.put(`/v2/cardholders/${draft.cardholderId}/kyc-submit`)).status).toBe(200);
      await control().post('/_mock/faults', { fault: { type: 'status', status: 503 }, match: { path: '/v2/nothing-here' }, ttlSeconds: 7200 });

      const before = (await control().get('/_mock/clock/pending?limit=1000')).body;
      const items = before.items as any[];
      for (let i = 1; i < items.length; i += 1) expect(items[i].dueAt).toBeGreaterThanOrEqual(items[i - 1].dueAt);
      const now = before.now as number;
      const kinds = items.filter((e) => e.dueAt <= now + 7200).map((e) => e.kind);
      expect(kinds).toEqual(['kyc.outcome', 'deposit.clears', 'fault.expires']);
      expect(items.find((e) => e.kind === 'certificate.reminder' && e.serial === cert.serial)).toMatchObject({ daysLeft: 30, dueAt: Math.floor(Date.parse(cert.notAfter) / 1000) - 30 * DAY });

      // advance over the first two: the outcome lands and the deposit clears, nothing else changes
      await control().post('/_mock/clock/advance', { seconds: 3601 });
      expect(mock.store.state.cardholders.find((c) => c.cardholderId === draft.cardholderId && c.programId === 1)!.status).toBe(1);
      expect(mock.store.state.deposits.at(-1)!.cleared).toBe(true);
      const after = (await control().get('/_mock/clock/pending?limit=1000')).body.items as any[];
      expect(after).toEqual(items.filter((e) => e.dueAt > now + 3601));
      expect(rx.bodies).toEqual([]);

      // advance over the 30-day reminder: exactly that one is delivered, and leaves the list
      const reminder = after.find((e) => e.kind === 'certificate.reminder')!;
      await control().put('/_mock/clock', { now: reminder.dueAt });
      await until(() => rx.bodies.length >= 1);
      expect(rx.bodies).toEqual([expect.objectContaining({ serial: cert.serial, daysLeft: 30 })]);
      const later = (await control().get('/_mock/clock/pending?limit=1000')).body.items as any[];
      expect(later).toEqual(after.filter((e) => e.dueAt > reminder.dueAt));
    } finally {
      await mock.close();
      await rx.close();
    }
  }, 30_000);
});

describe('bank-account registration: the SMS reply (D37)', () => {
  it('stays pending until the reply; the staging call confirms it, the control call rejects another; a second reply is 409', async () => {
    const mock = await startMock({});
    try {
      const api = apiClient(mock);
      const approved = mock.store.state.cardholders.find((c) => c.programId === 1 && c.status === 1)!;
      const body = { senderAccountName: 'Jordan Reyes', senderAccountNumber: '000123456789', senderRoutingNumber: '021000021' };
      const first = await api.post(`/v2/cardholders/${approved.cardholderId}/register-bank-account`, body);
      expect(first.body).toMatchObject({ status: 'success', statusText: 'pending' });
      const second = await api.post(`/v2/cardholders/${approved.cardholderId}/register-bank-account`, body);
      await controlClient(mock).post('/_mock/clock/advance', { seconds: 30 * DAY });
      expect(mock.store.state.bankAccounts.find((b) => b.depositId === first.body.depositId)!.statusText).toBe('pending');

      const confirmed = await api.post(`/v2/staging/bank-accounts/${first.body.depositId}/sms-reply`, { reply: 'confirm' });
      expect(confirmed.body).toEqual({ status: 'success', depositId: first.body.depositId, statusText: 'confirmed' });
      const rejected = await controlClient(mock).post(`/_mock/bank-accounts/${second.body.depositId}/sms-reply`, { reply: 'reject' });
      expect(rejected.body).toMatchObject({ depositId: second.body.depositId, statusText: 'rejected' });
      expect((await api.post(`/v2/staging/bank-accounts/${first.body.depositId}/sms-reply`, { reply: 'reject' })).status).toBe(409);
      expect((await api.post(`/v2/staging/bank-accounts/${first.body.depositId}/sms-reply`, { reply: 'maybe' })).status).toBe(422);
      expect((await api.post('/v2/staging/bank-accounts/999999/sms-reply', { reply: 'confirm' })).status).toBe(404);
      expect(mock.store.state.bankAccounts.find((b) => b.depositId === first.body.depositId)!.statusText).toBe('confirmed');
    } finally {
      await mock.close();
    }
  });
});

describe('seeded emulation mode (contract 8.16)', () => {
  it('off by default: submitted cardholders stay Under Review until /v2/staging/kyc/validate', async () => {
    const mock = await startMock({});
    try {
      const api = apiClient(mock);
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const created = await api.post('/v2/cardholders', cardholderBody({ emailAdr: `off${i}@example.com` }));
        expect(created.status).toBe(200);
        ids.push(created.body.cardholderId);
        expect((await api.put(`/v2/cardholders/${created.body.cardholderId}/kyc-submit`)).status).toBe(200);
      }
      await controlClient(mock).post('/_mock/clock/advance', { seconds: 365 * DAY });
      for (const id of ids) expect((await api.get(`/v2/cardholders/${id}`)).body.cardholder.status).toBe(3);
      expect((await api.post('/v2/staging/kyc/validate', { cardholderId: ids[0], result: 'pass' })).status).toBe(200);
      expect(mock.store.state.emulationOutcomes).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it('with a fixed seed and weights, 50 submitted cardholders reach the same outcome sequence in two separate processes', async () => {
    const script = fileURLToPath(new URL('helpers/emulation-sequence.ts', import.meta.url));
    const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', script, '424242'], { cwd: fileURLToPath(new URL('..', import.meta.url)) }).then((r) => r.stdout.trim());
    const [a, b] = await Promise.all([run(), run()]);
    expect(a).toMatch(/^[1267]{50} [36]{50}$/);
    expect(a).toBe(b);
    const outcomes = a.split(' ')[0]!;
    // every weighted outcome shows up, immediate submit errors (status 6 at submit) included
    for (const status of ['1', '2', '6', '7']) expect(outcomes).toContain(status);
    const atSubmit = a.split(' ')[1]!;
    expect(atSubmit).toContain('6');
    // a submit that failed at once stays in Error; the others were Under Review until their outcome landed
    for (let i = 0; i < 50; i += 1) if (atSubmit[i] === '6') expect(outcomes[i]).toBe('6');
  }, 240_000); // two cold processes on a shared machine
});
