import { describe, expect, it } from 'vitest';
import { banner } from '../src/banner.js';
import { startMock } from '../src/mock.js';

const WARNING = /WARNING: the control plane listens on 0\.0\.0\.0 without CONTROL_TOKEN.*Set CONTROL_TOKEN/;

describe('issue 15 item 12: a control plane on a non-loopback address without a token is announced', () => {
  it('bound to 0.0.0.0 without CONTROL_TOKEN the banner warns; with a token, or on 127.0.0.1, it does not', async () => {
    const open = await startMock({ host: '0.0.0.0' });
    const guarded = await startMock({ host: '0.0.0.0', controlToken: 't' });
    const local = await startMock({});
    try {
      expect(banner(open)).toMatch(WARNING);
      expect(banner(guarded)).not.toMatch(/WARNING/);
      expect(banner(local)).not.toMatch(/WARNING/);
    } finally {
      await Promise.all([open.close(), guarded.close(), local.close()]);
    }
  });
});
