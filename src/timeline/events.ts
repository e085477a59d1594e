import type { ClientCertificateTimes } from '../certificates.js';
import type { components } from '../generated/control.js';
import type { State } from '../store/state.js';

export const REMINDER_DAYS = [30, 15, 5] as const;
const DAY = 86_400;

/** A timed event ahead of the clock, as GET /_mock/clock/pending lists it (openapi/control.yaml `PendingEvent`). */
export type PendingEvent = components['schemas']['PendingEvent'];

/** Ties at the same second are applied in this order. */
const KIND_ORDER: Record<PendingEvent['kind'], number> = {
  'deposit.clears': 0,
  'kyc.outcome': 1,
  'certificate.reminder': 2,
  'certificate.expires': 3,
  'otp.code_expires': 4,
  'otp.listener_expires': 5,
  'fault.expires': 6,
};

export const reminderKey = (serial: string, daysLeft: number): string => `${serial}/${daysLeft}`;

/** The reminders of one certificate that exist at all: thresholds not already past when it was issued. */
export function reminderTimes(cert: ClientCertificateTimes): Array<{ daysLeft: 30 | 15 | 5; dueAt: number }> {
  return REMINDER_DAYS.map((daysLeft) => ({ daysLeft, dueAt: cert.notAfter - daysLeft * DAY })).filter((r) => r.dueAt >= cert.issuedAt);
}

/** Reminders due at `now` and not yet sent, in due order (a jump over several thresholds gives each). */
export function dueReminders(state: State, certificates: ClientCertificateTimes[], now: number): Array<ClientCertificateTimes & { daysLeft: 30 | 15 | 5; dueAt: number }> {
  const sent = new Set(state.certificateReminders.map((r) => reminderKey(r.serial, r.daysLeft)));
  const due = certificates.flatMap((cert) =>
    reminderTimes(cert)
      .filter((r) => r.dueAt <= now && !sent.has(reminderKey(cert.serial, r.daysLeft)))
      .map((r) => ({ ...cert, ...r })),
  );
  return due.sort((a, b) => a.dueAt - b.dueAt || a.serial.localeCompare(b.serial));
}

function compare(a: PendingEvent, b: PendingEvent): number {
  return a.dueAt - b.dueAt || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || JSON.stringify(a).localeCompare(JSON.stringify(b));
}

/** Every timed event still ahead of `now` (due strictly later), earliest first. */
export function pendingEvents(state: State, certificates: ClientCertificateTimes[], now: number): PendingEvent[] {
  const out: PendingEvent[] = [];
  for (const d of state.deposits) {
    if (!d.cleared && d.clearsAt !== null && d.clearsAt > now) out.push({ dueAt: d.clearsAt, kind: 'deposit.clears', programId: d.programId, depositId: d.depositId });
  }
  for (const l of state.otpListeners) {
    if (l.unsubscribed) continue;
    if (l.codeExpiresAt !== null && l.codeExpiresAt > now) out.push({ dueAt: l.codeExpiresAt, kind: 'otp.code_expires', programId: l.programId, token: l.token });
    else if (l.codeExpiresAt === null && l.expiresAt > now) out.push({ dueAt: l.expiresAt, kind: 'otp.listener_expires', programId: l.programId, token: l.token });
  }
  const sent = new Set(state.certificateReminders.map((r) => reminderKey(r.serial, r.daysLeft)));
  for (const cert of certificates) {
    for (const r of reminderTimes(cert)) {
      if (r.dueAt > now && !sent.has(reminderKey(cert.serial, r.daysLeft))) out.push({ dueAt: r.dueAt, kind: 'certificate.reminder', programId: cert.programId, serial: cert.serial, daysLeft: r.daysLeft });
    }
    if (cert.notAfter > now) out.push({ dueAt: cert.notAfter, kind: 'certificate.expires', programId: cert.programId, serial: cert.serial });
  }
  for (const o of state.emulationOutcomes) {
    if (o.dueAt > now) out.push({ dueAt: o.dueAt, kind: 'kyc.outcome', programId: o.programId, cardholderId: o.cardholderId, status: o.status });
  }
  for (const rule of state.faults) {
    if (rule.expiresAt !== null && rule.expiresAt > now) out.push({ dueAt: rule.expiresAt, kind: 'fault.expires', programId: rule.match?.programId ?? null, faultId: rule.id });
  }
  return out.sort(compare);
}
