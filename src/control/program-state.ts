import { Router } from 'express';
import { findProgram } from '../domain/programs.js';
import { applyProgramDataPatch, emptyProgramData, programData, programDataPatch, type ProgramData } from '../state/program-data.js';
import type { ControlDeps } from './deps.js';

/**
 * Reset, snapshot and restore of one program's records (cardholders, cards, wallets, money, OTP
 * listeners, idempotency records): parallel test workers, each on its own program, never see each other.
 */
export function programStateRouter(deps: ControlDeps): Router {
  const router = Router();
  // read from the plain state inside the (synchronous) change, so nothing can come in between
  const replace = (programId: number, data: ProgramData) => deps.store.transact((draft) => applyProgramDataPatch(draft, programDataPatch(deps.store.state, programId, data)));
  const programIdOf = (raw: string | string[] | undefined) => {
    const programId = Number(raw);
    findProgram(deps.store.state, programId);
    return programId;
  };

  router.post('/_mock/programs/:programId/reset', async (req, res) => {
    const programId = programIdOf(req.params.programId);
    const fixtures = await deps.fixtures();
    const data = fixtures.programs.some((p) => p.programId === programId) ? programData(fixtures, programId) : emptyProgramData();
    await replace(programId, data);
    res.json({ status: 'success', programId });
  });

  router.get('/_mock/programs/:programId/snapshots', (req, res) => {
    const items = deps.programSnapshots.list(programIdOf(req.params.programId));
    res.json({ items, total: items.length });
  });

  router.post('/_mock/programs/:programId/snapshots', (req, res) => {
    const programId = programIdOf(req.params.programId);
    const { name } = (req.body ?? {}) as { name?: string };
    res.status(201).json(deps.programSnapshots.take(programId, programData(deps.store.state, programId), name ?? null, deps.clock.now()));
  });

  router.post('/_mock/programs/:programId/snapshots/:snapshotId/restore', async (req, res) => {
    const programId = programIdOf(req.params.programId);
    const snapshotId = Number(req.params.snapshotId);
    const data = deps.programSnapshots.data(programId, snapshotId);
    await replace(programId, data);
    res.json({ status: 'success', programId, snapshotId });
  });

  router.delete('/_mock/programs/:programId/snapshots/:snapshotId', (req, res) => {
    deps.programSnapshots.delete(programIdOf(req.params.programId), Number(req.params.snapshotId));
    res.json({ status: 'success' });
  });

  return router;
}
