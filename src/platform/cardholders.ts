import { Router } from 'express';
import {
  cardholderView,
  createCardholder,
  editCardholder,
  findCardholder,
  listCardholders,
  refreshKycUrl,
  registerBankAccount,
  submitKyc,
  updateCardholderContact,
} from '../domain/cardholders.js';
import { paginate, type ListQuery } from '../domain/paging.js';
import { contextOf } from '../http/context.js';
import type { Cardholder } from '../store/state.js';
import { idParam, mutate, type PlatformDeps } from './deps.js';

/** kyc-submit and a link refresh answer alike: the state and the KYC link. */
const kycBody = (c: Cardholder) => ({ status: 'success' as const, cardholderId: c.cardholderId, cardholderStatus: c.status, applicationLink: c.applicationLink });

export function cardholdersRouter(deps: PlatformDeps): Router {
  const router = Router();

  router.get('/v2/cardholders', (req, res) => {
    const { program } = contextOf(req).caller;
    const q = req.query as ListQuery & { status?: number };
    res.json({ status: 'success', ...paginate(listCardholders(deps.store.state, program.programId, q), q, cardholderView) });
  });

  router.post('/v2/cardholders', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => createCardholder(state, program, req.body, now));
    res.json({ status: 'success', cardholderId: c.cardholderId });
  });

  router.get('/v2/cardholders/:cardholderId', (req, res) => {
    const { program } = contextOf(req).caller;
    const c = findCardholder(deps.store.state, program.programId, idParam(req.params.cardholderId));
    res.json({ status: 'success', cardholder: cardholderView(c) });
  });

  router.put('/v2/cardholders/:cardholderId', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => editCardholder(state, program, idParam(req.params.cardholderId), req.body, now));
    res.json({ status: 'success', cardholder: cardholderView(c) });
  });

  router.put('/v2/cardholders/:cardholderId/update', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => updateCardholderContact(state, program, idParam(req.params.cardholderId), req.body, now));
    res.json({ status: 'success', cardholder: cardholderView(c) });
  });

  router.put('/v2/cardholders/:cardholderId/kyc-submit', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => submitKyc(state, program.programId, idParam(req.params.cardholderId), now));
    res.json(kycBody(c));
  });

  router.post('/v2/cardholders/:cardholderId/kyc-url/refresh', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => refreshKycUrl(state, program.programId, idParam(req.params.cardholderId), now));
    res.json(kycBody(c));
  });

  router.post('/v2/cardholders/:cardholderId/register-bank-account', async (req, res) => {
    const { program } = contextOf(req).caller;
    const r = await mutate(deps, (state, now) => registerBankAccount(state, program.programId, idParam(req.params.cardholderId), req.body, now));
    res.json({ status: 'success', depositId: r.depositId, statusText: r.statusText });
  });

  return router;
}
