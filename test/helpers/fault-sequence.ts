/**
 * Run as its own process (node --import tsx): starts a mock, adds a rule with probability 0.3 and a
 * fixed seed, sends 100 requests and prints the fired/passed sequence (F = fired, . = passed).
 */
import { startMock } from '../../src/mock.js';
import { apiClient, controlClient } from './client.js';

const [seed = '20261125'] = process.argv.slice(2);
const mock = await startMock({ validateResponses: true });
try {
  const created = await controlClient(mock).post('/_mock/faults', {
    id: 'p30',
    match: { method: 'GET', path: '/v2/cardholders/{cardholderId}' },
    fault: { type: 'status', status: 503 },
    probability: 0.3,
    seed: Number(seed),
  });
  if (created.status !== 201) throw new Error(`rule not created: ${created.status} ${created.text}`);
  const api = apiClient(mock);
  let sequence = '';
  for (let i = 0; i < 100; i++) {
    const res = await api.get('/v2/cardholders/10001');
    sequence += res.status === 503 && res.headers['x-mock-fault'] === 'p30' ? 'F' : res.status === 200 ? '.' : `?${res.status}`;
  }
  process.stdout.write(`${sequence}\n`);
} finally {
  await mock.close();
}
