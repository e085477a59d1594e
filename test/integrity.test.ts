import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../src/paths.js';
import { checkIntegrity } from '../src/store/integrity.js';
import type { State } from '../src/store/state.js';

describe('checkIntegrity', () => {
  it('checks a collection too large to spread into Math.max', async () => {
    const state = JSON.parse(await readFile(path.join(fixturesDir, 'default.json'), 'utf8')) as State;
    const programId = state.programs[0]!.programId;
    const sourceWalletId = state.wallets[0]!.walletId;
    const n = 200_000;
    state.transfers = Array.from({ length: n }, (_, i) => ({ transferId: i + 1, programId, sourceWalletId, destinationType: 0 as const, destinationId: sourceWalletId, amount: 1, description: null, createdAt: 0 }));
    state.sequences.transfers = n - 1;
    expect(checkIntegrity(state)).toEqual([{ field: 'sequences.transfers', message: `must be at least the highest transferId (${n}), or new ids would collide` }]);
  });
});
