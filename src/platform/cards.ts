import { Router } from 'express';
import { activateCard, cardView, changePin, findCard, issueCard, listCards, sensitiveView, setCardStatus, updateCard } from '../domain/cards.js';
import { paginate, type ListQuery } from '../domain/paging.js';
import { recordDeposit } from '../domain/ledger.js';
import { contextOf } from '../http/context.js';
import type { Card } from '../store/state.js';
import { depositView } from './deposits.js';
import { idParam, mutate, type PlatformDeps } from './deps.js';

const cardBody = (c: Card) => ({ status: 'success' as const, ...cardView(c) });

export function cardsRouter(deps: PlatformDeps): Router {
  const router = Router();

  router.get('/v2/cards', (req, res) => {
    const q = req.query as ListQuery & { issuerCardStatus?: number; cardholderId?: number };
    res.json({ status: 'success', ...paginate(listCards(deps.store.state, contextOf(req).caller.program.programId, q), q, cardView) });
  });

  router.post('/v2/cards/virtual/:cardholderId', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => issueCard(state, program, idParam(req.params.cardholderId), 'virtual', req.body, now));
    res.json(cardBody(c));
  });

  router.post('/v2/cards/assign/:cardholderId', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => issueCard(state, program, idParam(req.params.cardholderId), 'physical', req.body, now));
    res.json(cardBody(c));
  });

  router.get('/v2/cards/:cardId', (req, res) => {
    res.json(cardBody(findCard(deps.store.state, contextOf(req).caller.program.programId, idParam(req.params.cardId))));
  });

  router.get('/v2/cards/:cardId/balance', (req, res) => {
    const { program } = contextOf(req).caller;
    const c = findCard(deps.store.state, program.programId, idParam(req.params.cardId));
    res.json({ status: 'success', cardId: c.cardId, ledgerBalance: c.ledgerBalance, availableBalance: c.availableBalance, currency: program.currency });
  });

  router.get('/v2/cards/:cardId/sensitive', (req, res) => {
    const c = findCard(deps.store.state, contextOf(req).caller.program.programId, idParam(req.params.cardId));
    res.json({ status: 'success', ...sensitiveView(c) });
  });

  router.put('/v2/cards/:cardId/activate', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => activateCard(state, program.programId, idParam(req.params.cardId), req.body, now));
    res.json(cardBody(c));
  });

  router.put('/v2/cards/:cardId/status', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => setCardStatus(state, program.programId, idParam(req.params.cardId), req.body.newStatus, now));
    res.json(cardBody(c));
  });

  router.put('/v2/cards/:cardId/update', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => updateCard(state, program.programId, idParam(req.params.cardId), req.body, now));
    res.json(cardBody(c));
  });

  router.put('/v2/cards/:cardId/pin', async (req, res) => {
    const { program } = contextOf(req).caller;
    const c = await mutate(deps, (state, now) => changePin(state, program.programId, idParam(req.params.cardId), req.body, now));
    res.json({ status: 'success', cardId: c.cardId });
  });

  router.post('/v2/cards/:cardId/bank-deposit', async (req, res) => {
    const { program } = contextOf(req).caller;
    const ref = { type: 'card' as const, id: idParam(req.params.cardId) };
    const result = await mutate(deps, (state, now) => recordDeposit(state, program.programId, ref, req.body, 'bank-deposit', deps.settings, now));
    res.json(depositView(result));
  });

  return router;
}
