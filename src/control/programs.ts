import { Router } from 'express';
import {
  addApiKey,
  checkCidrs,
  checkDomains,
  createProgram,
  findProgram,
  programView,
  revokeApiKey,
  updateProgramSettings,
  type ProgramInput,
  type ProgramSettings,
} from '../domain/programs.js';
import type { RateLimit } from '../store/state.js';
import type { ControlDeps } from './deps.js';

export function programsRouter(deps: ControlDeps): Router {
  const router = Router();
  const state = () => deps.store.state;

  router.get('/_mock/programs', (_req, res) => {
    res.json({ items: state().programs.map((p) => programView(state(), p)), total: state().programs.length });
  });

  router.get('/_mock/programs/:programId', (req, res) => {
    const program = findProgram(state(), Number(req.params.programId));
    res.json(programView(state(), program));
  });

  router.post('/_mock/programs', async (req, res) => {
    const input = req.body as ProgramInput;
    // everything that can fail happens before the state changes: a bad onboarding leaves no trace
    checkCidrs(input.allowlist, 'allowlist');
    const domains = checkDomains(input.domains);
    const issued = await deps.certificates.issue({ tenantName: input.tenantName, programName: input.programName, domains }, {});
    const { programId, apiKey } = await deps.store.transact((draft) => {
      const created = createProgram(draft, input, deps.clock.now());
      deps.certificates.record(draft, created.program.programId, domains, issued, deps.clock.now());
      return { programId: created.program.programId, apiKey: created.apiKey.apiKey };
    });
    res.status(201).json({
      programId,
      apiKey,
      certificate: { serial: issued.serial, certPem: issued.certPem, keyPem: issued.keyPem, caPem: deps.certificates.caPem },
      program: programView(state(), findProgram(state(), programId)),
    });
  });

  router.patch('/_mock/programs/:programId', async (req, res) => {
    const programId = Number(req.params.programId);
    await deps.store.transact((draft) => updateProgramSettings(draft, programId, req.body as ProgramSettings));
    res.json(programView(state(), findProgram(state(), programId)));
  });

  router.put('/_mock/programs/:programId/allowlist', async (req, res) => {
    const programId = Number(req.params.programId);
    await deps.store.transact((draft) => {
      findProgram(draft, programId).allowlist = checkCidrs((req.body as { ips: string[] }).ips, 'ips');
    });
    res.json(programView(state(), findProgram(state(), programId)));
  });

  router.put('/_mock/programs/:programId/rate-limit', async (req, res) => {
    const programId = Number(req.params.programId);
    const { requestsPerSecond, burst } = req.body as RateLimit;
    await deps.store.transact((draft) => {
      findProgram(draft, programId).rateLimit = { requestsPerSecond, burst };
    });
    // full buckets also when the setting is one the buckets already had (README drill 3 run twice)
    deps.restartRateBuckets(state().apiKeys.filter((k) => k.programId === programId).map((k) => k.apiKey));
    res.json(programView(state(), findProgram(state(), programId)));
  });

  router.post('/_mock/programs/:programId/api-keys', async (req, res) => {
    const programId = Number(req.params.programId);
    const apiKey = await deps.store.transact((draft) => addApiKey(draft, findProgram(draft, programId), deps.clock.now()).apiKey);
    res.status(201).json({ apiKey, programId });
  });

  router.delete('/_mock/api-keys/:apiKey', async (req, res) => {
    const programId = await deps.store.transact((draft) => revokeApiKey(draft, req.params.apiKey).programId);
    res.json({ apiKey: req.params.apiKey, programId, revoked: true });
  });

  return router;
}
