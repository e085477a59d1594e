/**
 * Run as its own process (node --import tsx): starts a mock, turns on the seeded emulation mode of
 * program 1, creates and submits 50 cardholders over real mTLS, moves the clock past every review
 * and prints two strings of 50 statuses: after the clock moved (1/2/6/7), and right after submit (3/6).
 */
import https from 'node:https';
import { startMock } from '../../src/mock.js';
import { apiClient, controlClient } from './client.js';
import { cardholderBody } from './data.js';

const [seed = '424242'] = process.argv.slice(2);
const mock = await startMock({});
try {
  const set = await controlClient(mock).put('/_mock/programs/1/emulation', {
    seed: Number(seed),
    weights: { approved: 50, complianceDecline: 20, adminDecline: 20, error: 10 },
    reviewSeconds: { min: 60, max: 3600 },
    submitErrorRate: 0.1,
  });
  if (set.status !== 200) throw new Error(`emulation not set: ${set.status} ${set.text}`);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 }); // one connection: the test is about draws, not handshakes
  const api = apiClient(mock, { agent });
  const ids: number[] = [];
  let atSubmit = '';
  for (let i = 0; i < 50; i++) {
    const created = await api.post('/v2/cardholders', cardholderBody({ emailAdr: `emu${i}@example.com`, cellNum: `41555${String(i).padStart(5, '0')}` }));
    if (created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
    ids.push(created.body.cardholderId);
    await api.put(`/v2/cardholders/${created.body.cardholderId}/kyc-submit`);
    atSubmit += String((await api.get(`/v2/cardholders/${created.body.cardholderId}`)).body.cardholder.status);
  }
  await controlClient(mock).post('/_mock/clock/advance', { seconds: 3601 });
  let final = '';
  for (const id of ids) final += String((await api.get(`/v2/cardholders/${id}`)).body.cardholder.status);
  process.stdout.write(`${final} ${atSubmit}\n`);
  agent.destroy();
} finally {
  await mock.close();
}
