// Data files with N cardholders: the fixtures plus generated test people, as the store writes them.
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
  const text = JSON.stringify(state, null, 2);
  writeFileSync(target, text);
  return Buffer.byteLength(text);
}
