import { findListener, otpView, subscribeOtp, unsubscribeOtp } from '../domain/otp.js';
import type { PlatformDeps } from './deps.js';
import { read, write, type Operation } from './operation.js';

export function otpOperations(deps: PlatformDeps): Operation[] {
  return [
    // as the 3-DS guide shows (contract 8.12); the listener still expires after otpListenerSeconds
    write('subscribeOtp', (state, { caller, body, now }) => subscribeOtp(state, caller.program, body, deps.settings, now), (l) => ({ status: 'success', token: l.token, expiresAt: null })),
    // the OTP read answers as documented: `status` is the OTP state, not the envelope
    read('getOtp', (state, { caller, params, now }) => otpView(findListener(state, caller.program.programId, params.token, now))),
    write('unsubscribeOtp', (state, { caller, params, now }) => unsubscribeOtp(state, caller.program.programId, params.token, now), () => ({ status: 'success' })),
  ];
}
