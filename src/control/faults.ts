import { Router } from 'express';
import { addFaultRule, faultRules, findFaultRule, pruneExpiredRules, removeFaultRule } from '../faults/rules.js';
import type { FaultRule, FaultRuleInput } from '../faults/types.js';
import type { ControlDeps } from './deps.js';

export function faultsRouter(deps: ControlDeps): Router {
  const router = Router();
  const view = (rule: FaultRule) => ({ ...rule, ...deps.faults.counters(rule) });
  /** the live rules; rules whose ttl ran out leave the store here */
  const live = async () => {
    const expired = pruneExpiredRules(deps.store.state, deps.clock.now());
    for (const rule of expired) deps.faults.forget(rule.id);
    if (expired.length) await deps.store.commit();
    return faultRules(deps.store.state);
  };

  router.get('/_mock/faults', async (_req, res) => {
    const rules = await live();
    res.json({ items: rules.map(view), total: rules.length });
  });

  router.post('/_mock/faults', async (req, res) => {
    await live();
    const rule = addFaultRule(deps.store.state, req.body as FaultRuleInput, deps.clock.now());
    deps.faults.forget(rule.id);
    await deps.store.commit();
    res.status(201).json(view(rule));
  });

  router.delete('/_mock/faults', async (_req, res) => {
    const deleted = faultRules(deps.store.state).length;
    deps.store.state.faults = [];
    deps.faults.clearCounters();
    await deps.store.commit();
    res.json({ status: 'success', deleted });
  });

  router.get('/_mock/faults/:id', async (req, res) => {
    await live();
    res.json(view(findFaultRule(deps.store.state, req.params.id)));
  });

  router.delete('/_mock/faults/:id', async (req, res) => {
    await live();
    const rule = removeFaultRule(deps.store.state, req.params.id);
    deps.faults.forget(rule.id);
    await deps.store.commit();
    res.json({ status: 'success' });
  });

  return router;
}
