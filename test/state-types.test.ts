import { describe, expect, it } from 'vitest';
import type { components } from '../src/generated/control.js';
import { loadFixtures } from '../src/store/fixtures.js';
import { withCollections, type State } from '../src/store/state.js';

type SchemaState = components['schemas']['State'];

/**
 * The store's TypeScript types are written by hand (narrower unions than the schema); the State
 * schema in openapi/control.yaml validates imports. This assignment stops compiling (`npm run
 * typecheck`) when a field of the code's State is missing from the schema or typed differently.
 */
const asSchemaState = (state: State): SchemaState => state;

describe('the State type and the State schema of openapi/control.yaml', () => {
  it('every collection of the code\'s State is in the schema, with the same record shape', async () => {
    const state = asSchemaState(withCollections(await loadFixtures('default')));
    expect(Object.keys(state).sort()).toEqual(
      ['version', 'sequences', 'programs', 'apiKeys', 'certificates', 'revokedSerials', 'dns', 'cardholders', 'bankAccounts', 'cards', 'wallets', 'deposits', 'transfers', 'transactions', 'fees', 'walletTransactions', 'otpListeners', 'faults', 'idempotency', 'certificateReminders', 'emulationOutcomes'].sort(),
    );
  });
});
