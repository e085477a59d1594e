// Data files with N records in each growing collection: the fixtures plus N generated cardholders,
// N deposits and N live idempotency records of program 1, as the store writes them.
import { readFileSync, writeFileSync } from 'node:fs';

export function writeScaledDataFile(fixturesFile, target, records) {
  const state = JSON.parse(readFileSync(fixturesFile, 'utf8'));
  const template = state.cardholders.find((c) => c.programId === 1 && c.status === 1);
  let id = Math.max(...state.cardholders.map((c) => c.cardholderId));
  while (state.cardholders.length < records) {
    id += 1;
    state.cardholders.push({ ...template, cardholderId: id, firstName: `Test${id}`, emailAdr: `test.${id}@example.com` });
  }
  state.sequences.cardholders = id;

  const now = Math.floor(Date.now() / 1000);
  state.deposits = state.deposits ?? [];
  let depositId = Math.max(50_000, ...state.deposits.map((d) => d.depositId));
  for (let i = 0; i < records; i++) {
    depositId += 1;
    state.deposits.push({ depositId, programId: 1, account: { type: 'wallet', id: 3001 }, amount: 100, transactionReference: `SCALE-${i}`, senderAccountName: null, transactionDate: null, source: 'bank-deposit', createdAt: now - 86_400, clearsAt: now - 3_600, cleared: true });
  }
  state.sequences.deposits = depositId;

  state.idempotency = state.idempotency ?? [];
  for (let i = 0; i < records; i++) {
    state.idempotency.push({ programId: 1, key: `scale-${i}`, fingerprint: '0'.repeat(64), method: 'POST', path: '/v2/wallets/transfer', status: 200, body: { status: 'success' }, createdAt: now, expiresAt: now + 86_400 });
  }
  const text = JSON.stringify(state, null, 2);
  writeFileSync(target, text);
  return Buffer.byteLength(text);
}
