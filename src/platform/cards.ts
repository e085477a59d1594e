import { activateCard, cardView, changePin, findCard, issueCard, listCards, sensitiveView, setCardStatus, updateCard } from '../domain/cards.js';
import { recordDeposit } from '../domain/ledger.js';
import { paginate } from '../domain/paging.js';
import type { Card } from '../store/state.js';
import { depositView } from './deposits.js';
import type { PlatformDeps } from './deps.js';
import { read, write, type Operation } from './operation.js';

const cardBody = (c: Card) => ({ status: 'success' as const, ...cardView(c) });

export function cardOperations(deps: PlatformDeps): Operation[] {
  return [
    read('listCards', (state, { caller, query }) => ({ status: 'success', ...paginate(listCards(state, caller.program.programId, query), query, cardView) })),
    write('issueVirtualCard', (state, { caller, params, body, now }) => issueCard(state, caller.program, params.cardholderId, 'virtual', body, now), cardBody),
    write('issuePhysicalCard', (state, { caller, params, body, now }) => issueCard(state, caller.program, params.cardholderId, 'physical', body, now), cardBody),
    read('getCard', (state, { caller, params }) => cardBody(findCard(state, caller.program.programId, params.cardId))),
    read('getCardBalance', (state, { caller, params }) => {
      const c = findCard(state, caller.program.programId, params.cardId);
      return { status: 'success', cardId: c.cardId, ledgerBalance: c.ledgerBalance, availableBalance: c.availableBalance, currency: caller.program.currency };
    }),
    read('getCardSensitive', (state, { caller, params }) => ({ status: 'success', ...sensitiveView(findCard(state, caller.program.programId, params.cardId)) })),
    write('activateCard', (state, { caller, params, body, now }) => activateCard(state, caller.program.programId, params.cardId, body, now), cardBody),
    write('setCardStatus', (state, { caller, params, body, now }) => setCardStatus(state, caller.program.programId, params.cardId, body.newStatus as 1 | 2, now), cardBody), // the spec bounds it to 1..2
    write('updateCardSettings', (state, { caller, params, body, now }) => updateCard(state, caller.program.programId, params.cardId, body, now), cardBody),
    write('changeCardPin', (state, { caller, params, body, now }) => changePin(state, caller.program.programId, params.cardId, body, now), (c) => ({ status: 'success', cardId: c.cardId })),
    write(
      'notifyCardBankDeposit',
      (state, { caller, params, body, now }) => recordDeposit(state, caller.program.programId, { type: 'card', id: params.cardId }, body, 'bank-deposit', deps.settings, now),
      depositView,
    ),
  ];
}
