import { Router, type NextFunction, type Request, type Response } from 'express';
import { decimalToMinor } from '../domain/amounts.js';
import { forceKycOutcome } from '../domain/cardholders.js';
import { recordDeposit } from '../domain/ledger.js';
import { challengeCard } from '../domain/otp.js';
import { clearTransaction, completeTransaction, failTransaction, refundTransaction, reverseTransaction } from '../domain/card-lifecycle.js';
import { replyToBankAccountSms } from '../staging/bank-accounts.js';
import { simulateSpend, transactionView } from '../domain/transactions.js';
import { ApiError, messages } from '../http/errors.js';
import { contextOf } from '../http/context.js';
import type { CardTransaction, State } from '../store/state.js';
import { depositView } from './deposits.js';
import { idParam, mutate, type PlatformDeps } from './deps.js';

/** /v2/staging/* exists only in staging: production credentials get 404 (SBX). */
export function stagingOnly(req: Request, _res: Response, next: NextFunction): void {
  if (contextOf(req).caller.program.environment !== 'staging') return next(new ApiError(404, messages.stagingOnly));
  next();
}

export function stagingRouter(deps: PlatformDeps): Router {
  const router = Router();
  router.post('/v2/staging/kyc/validate', async (req, res) => {
    const { program } = contextOf(req).caller;
    const { cardholderId, result } = req.body as { cardholderId: number; result: 'pass' | 'fail' };
    const c = await mutate(deps, (state, now) => forceKycOutcome(state, program.programId, cardholderId, result, now));
    res.json({ status: 'success', result: { cardholderId: c.cardholderId, status: c.status } });
  });

  router.post('/v2/staging/bank-accounts/:depositId/sms-reply', async (req, res) => {
    const { program } = contextOf(req).caller;
    const { reply } = req.body as { reply: 'confirm' | 'reject' };
    const r = await mutate(deps, (state) => replyToBankAccountSms(state, program.programId, idParam(req.params.depositId), reply));
    res.json({ status: 'success', depositId: r.depositId, statusText: r.statusText });
  });

  router.post('/v2/staging/cards/:cardId/spend', async (req, res) => {
    const { program } = contextOf(req).caller;
    const t = await mutate(deps, (state, now) => simulateSpend(state, program, idParam(req.params.cardId), req.body, now));
    res.json({ status: 'success', transaction: transactionView(t) });
  });

  // the card-transaction lifecycle (contract 8.3): each answers the transaction after the transition
  type Transition = (state: State, programId: number, transId: string, body: { amount?: string; reason?: string }, now: number) => CardTransaction;
  const transition = (name: string, run: Transition) =>
    router.post(`/v2/staging/transactions/:transId/${name}`, async (req, res) => {
      const { program } = contextOf(req).caller;
      const t = await mutate(deps, (state, now) => run(state, program.programId, req.params.transId as string, req.body ?? {}, now));
      res.json({ status: 'success', transaction: transactionView(t) });
    });
  const optionalAmount = (body: { amount?: string }) => (body.amount === undefined ? undefined : decimalToMinor(body.amount));
  transition('clear', (state, programId, transId, body) => clearTransaction(state, programId, transId, optionalAmount(body)));
  transition('complete', (state, programId, transId) => completeTransaction(state, programId, transId));
  transition('reverse', (state, programId, transId, _body, now) => reverseTransaction(state, programId, transId, now));
  transition('error', (state, programId, transId, body, now) => failTransaction(state, programId, transId, body.reason, now));
  transition('refund', (state, programId, transId, body, now) => refundTransaction(state, programId, transId, optionalAmount(body), now));

  // a detected bank deposit of an exact amount: same clearing as a bank-deposit notification
  for (const type of ['card', 'wallet'] as const) {
    router.post(`/v2/staging/${type}s/:id/deposit`, async (req, res) => {
      const { program } = contextOf(req).caller;
      const input = { transactionAmount: decimalToMinor(req.body.amount), transactionReference: 'staging simulation' };
      const ref = { type, id: idParam(req.params.id) };
      const result = await mutate(deps, (state, now) => recordDeposit(state, program.programId, ref, input, 'staging', deps.settings, now, 'amount'));
      res.json(depositView(result));
    });
  }

  router.post('/v2/staging/cards/:cardId/3ds-challenge', async (req, res) => {
    const { program } = contextOf(req).caller;
    const challenge = await mutate(deps, (state, now) => challengeCard(state, program, idParam(req.params.cardId), deps.settings, now));
    // after the commit and without waiting: a slow receiver never holds up the API
    for (const l of challenge.listeners) {
      if (l.webhookUrl) deps.webhooks.send({ programId: program.programId, token: l.token, url: l.webhookUrl, payload: { cardId: challenge.card.cardId } });
    }
    res.json({ status: 'success', cardId: challenge.card.cardId, code: challenge.code, expiresAt: challenge.expiresAt, listeners: challenge.listeners.length });
  });

  return router;
}
