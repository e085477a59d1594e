import { errorTemplate, notFound } from '../http/errors.js';
import type { BankAccountRegistration, State } from '../store/state.js';

export const bankAccountMessages = {
  notPending: (depositId: number, statusText: string) =>
    `Bank account registration ${depositId} is already ${statusText}: only a pending registration awaits the SMS reply.`,
} as const;

/** Each status paired with its message; raised as `throw bankAccountErrors.x(...)`. */
const bankAccountErrors = {
  notPending: errorTemplate(409, bankAccountMessages.notPending),
} as const;

/**
 * D37: registering a bank account sends the cardholder an SMS; the registration stays `pending`
 * until the reply. This plays the reply: `confirm` → confirmed, `reject` → rejected.
 * `programId` null (control plane) finds the registration of any program.
 */
export function replyToBankAccountSms(state: State, programId: number | null, depositId: number, reply: 'confirm' | 'reject'): BankAccountRegistration {
  const registration = state.bankAccounts.find((b) => b.depositId === depositId && (programId === null || b.programId === programId));
  if (!registration) throw notFound('Bank account registration', depositId);
  if (registration.statusText !== 'pending') {
    throw bankAccountErrors.notPending(depositId, registration.statusText);
  }
  registration.statusText = reply === 'confirm' ? 'confirmed' : 'rejected';
  return registration;
}
