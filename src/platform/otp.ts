import { Router } from 'express';
import { findListener, otpView, subscribeOtp, unsubscribeOtp } from '../domain/otp.js';
import { contextOf } from '../http/context.js';
import { mutate, type PlatformDeps } from './deps.js';

export function otpRouter(deps: PlatformDeps): Router {
  const router = Router();

  router.post('/v2/otp/listeners', async (req, res) => {
    const { program } = contextOf(req).caller;
    const l = await mutate(deps, (state, now) => subscribeOtp(state, program, req.body, deps.settings, now));
    // as the 3-DS guide shows (contract 8.12); the listener still expires after otpListenerSeconds
    res.json({ status: 'success', token: l.token, expiresAt: null });
  });

  // the OTP read answers as documented: `status` is the OTP state, not the envelope
  router.get('/v2/otp/:token', (req, res) => {
    const l = findListener(deps.store.state, contextOf(req).caller.program.programId, req.params.token as string, deps.clock.now());
    res.json(otpView(l));
  });

  router.delete('/v2/otp/:token', async (req, res) => {
    const { program } = contextOf(req).caller;
    await mutate(deps, (state, now) => unsubscribeOtp(state, program.programId, req.params.token as string, now));
    res.json({ status: 'success' });
  });

  return router;
}
