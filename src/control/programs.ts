import { Router } from 'express';
import { addApiKey, checkCidrs, checkDomains, createProgram, findProgram, programView, revokeApiKey, type ProgramInput } from '../domain/programs.js';
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
    const { program, apiKey } = createProgram(state(), input, deps.clock.now());
    deps.certificates.record(state(), program.programId, domains, issued, deps.clock.now());
    await deps.store.commit();
    res.status(201).json({
      programId: program.programId,
      apiKey: apiKey.apiKey,
      certificate: { serial: issued.serial, certPem: issued.certPem, keyPem: issued.keyPem, caPem: deps.certificates.caPem },
      program: programView(state(), program),
    });
  });

  router.put('/_mock/programs/:programId/allowlist', async (req, res) => {
    const program = findProgram(state(), Number(req.params.programId));
    program.allowlist = checkCidrs((req.body as { ips: string[] }).ips, 'ips');
    await deps.store.commit();
    res.json(programView(state(), program));
  });

  router.put('/_mock/programs/:programId/rate-limit', async (req, res) => {
    const program = findProgram(state(), Number(req.params.programId));
    const { requestsPerSecond, burst } = req.body as RateLimit;
    program.rateLimit = { requestsPerSecond, burst };
    await deps.store.commit();
    res.json(programView(state(), program));
  });

  router.post('/_mock/programs/:programId/api-keys', async (req, res) => {
    const program = findProgram(state(), Number(req.params.programId));
    const record = addApiKey(state(), program, deps.clock.now());
    await deps.store.commit();
    res.status(201).json({ apiKey: record.apiKey, programId: program.programId });
  });

  router.delete('/_mock/api-keys/:apiKey', async (req, res) => {
    const record = revokeApiKey(state(), req.params.apiKey);
    await deps.store.commit();
    res.json({ apiKey: record.apiKey, programId: record.programId, revoked: true });
  });

  return router;
}
