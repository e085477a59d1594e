import { Router, type Response } from 'express';
import type { components } from '../generated/control.js';
import { dropDeadListeners } from '../domain/otp.js';
import type { ControlDeps } from './deps.js';

type ClockSet = components['schemas']['ClockSet'];

/** The mock's clock (contract section 5): tests move time instead of sleeping. */
export function clockRouter(deps: ControlDeps): Router {
  const router = Router();

  // whatever became due under the new time happens now, in due order (and is stored), not only on the next platform call
  const answer = async (res: Response) => {
    await deps.timeline.run();
    res.json(deps.clock.describe());
  };

  router.get('/_mock/clock', (_req, res) => {
    res.json(deps.clock.describe());
  });

  router.get('/_mock/clock/pending', (req, res) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    const items = deps.timeline.pending();
    res.json({ now: deps.clock.now(), items: items.slice(0, limit), total: items.length });
  });

  router.post('/_mock/clock/advance', async (req, res) => {
    deps.clock.advance((req.body as { seconds: number }).seconds);
    await answer(res);
  });

  // what expired stays expired when the clock moves back: OTP listeners dead now are dropped first
  const beforeMovingBack = (to: number) => (to < deps.clock.now() ? deps.store.transact((state) => dropDeadListeners(state, deps.clock.now())) : undefined);

  // {"now"} jumps, {"frozen"} stops or restarts the clock; both: freeze at that time
  router.put('/_mock/clock', async (req, res) => {
    const { now, frozen } = req.body as ClockSet;
    if (now !== undefined) await beforeMovingBack(now);
    if (frozen === true) deps.clock.freeze();
    if (now !== undefined) deps.clock.set(now);
    if (frozen === false) deps.clock.unfreeze();
    await answer(res);
  });

  router.delete('/_mock/clock', async (_req, res) => {
    await beforeMovingBack(deps.clock.realNow());
    deps.clock.reset();
    await answer(res);
  });

  return router;
}
