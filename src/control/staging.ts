import { Router } from 'express';
import { findProgram, programView } from '../domain/programs.js';
import { replyToBankAccountSms } from '../staging/bank-accounts.js';
import { emulationSettings, setEmulation, type EmulationInput } from '../staging/emulation.js';
import { errorTemplate } from '../http/errors.js';
import type { ControlDeps } from './deps.js';

/** Each status paired with its message; raised as `throw stagingControlErrors.x(...)`. */
const stagingControlErrors = {
  // the refusal is the webhook URL policy's own sentence (deps.webhookUrls.refusal)
  reminderUrlRefused: errorTemplate(422, (refusal: string) => refusal),
} as const;

/** Staging behaviour over time (issue 11): reminder URL, seeded emulation mode, the bank-account SMS reply. */
export function stagingControlRouter(deps: ControlDeps): Router {
  const router = Router();
  const state = () => deps.store.state;

  router.put('/_mock/programs/:programId/reminder-url', async (req, res) => {
    const programId = Number(req.params.programId);
    const { url } = req.body as { url: string | null };
    const refusal = url === null ? null : deps.webhookUrls.refusal(url);
    if (refusal !== null) throw stagingControlErrors.reminderUrlRefused(refusal).withErrors([{ field: 'url', message: refusal }]);
    await deps.store.transact((draft) => {
      findProgram(draft, programId).reminderUrl = url;
    });
    res.json(programView(state(), findProgram(state(), programId)));
  });

  router.put('/_mock/programs/:programId/emulation', async (req, res) => {
    const programId = Number(req.params.programId);
    const settings = emulationSettings(req.body as EmulationInput);
    await deps.store.transact((draft) => setEmulation(draft, findProgram(draft, programId), settings));
    res.json(programView(state(), findProgram(state(), programId)));
  });

  router.delete('/_mock/programs/:programId/emulation', async (req, res) => {
    const programId = Number(req.params.programId);
    await deps.store.transact((draft) => setEmulation(draft, findProgram(draft, programId), null));
    res.json(programView(state(), findProgram(state(), programId)));
  });

  router.post('/_mock/bank-accounts/:depositId/sms-reply', async (req, res) => {
    const depositId = Number(req.params.depositId);
    const { reply } = req.body as { reply: 'confirm' | 'reject' };
    const registration = await deps.store.transact((draft) => ({ ...replyToBankAccountSms(draft, null, depositId, reply) }));
    res.json(registration);
  });

  return router;
}
