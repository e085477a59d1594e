import { Router } from 'express';
import { addFaultRule, findFaultRule, pruneExpiredRules, removeFaultRule } from '../faults/rules.js';
import type { FaultRule, FaultRuleInput } from '../faults/types.js';
import type { ControlDeps } from './deps.js';

export function faultsRouter(deps: ControlDeps): Router {
  const router = Router();
  const view = (rule: FaultRule) => ({ ...rule, ...deps.faults.counters(rule) });
  /** the live rules; rules whose ttl ran out leave the store here */
  const live = async () => {
    const expired = await deps.store.transact((state) => pruneExpiredRules(state, deps.clock.now()));
    for (const rule of expired) deps.faults.forget(rule.id);
    return deps.store.state.faults;
  };

  router.get('/_mock/faults', async (_req, res) => {
    const rules = await live();
    res.json({ items: rules.map(view), total: rules.length });
  });

  router.post('/_mock/faults', async (req, res) => {
    await live();
    const id = await deps.store.transact((state) => addFaultRule(state, req.body as FaultRuleInput, deps.clock.now()).id);
    deps.faults.forget(id);
    res.status(201).json(view(findFaultRule(deps.store.state, id)));
  });

  router.delete('/_mock/faults', async (_req, res) => {
    const deleted = await deps.store.transact((state) => {
      const count = state.faults.length;
      state.faults = [];
      return count;
    });
    deps.faults.clearCounters();
    res.json({ status: 'success', deleted });
  });

  router.get('/_mock/faults/:id', async (req, res) => {
    await live();
    res.json(view(findFaultRule(deps.store.state, req.params.id)));
  });

  router.delete('/_mock/faults/:id', async (req, res) => {
    await live();
    const id = await deps.store.transact((state) => removeFaultRule(state, req.params.id).id);
    deps.faults.forget(id);
    res.json({ status: 'success' });
  });

  return router;
}
