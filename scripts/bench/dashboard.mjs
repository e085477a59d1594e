// The dashboard under load: autocannon at a fixed 1,000 requests per second through the mock, once
// with no browser and once with the dashboard open in headless Chromium (Debian's, via
// playwright-core), following the journal live. Reports both rows, the drop, and how often the
// page's live counter moved while the load ran (it must keep updating).
import { chromium } from 'playwright-core';
import { load } from './load.mjs';

const RATE = 1000;

export async function dashboardSection({ mock, request, duration, connections, row }) {
  const opts = { url: mock.url, requests: [request], tls: mock.tls, connections, headers: mock.headers, overallRate: RATE };
  await load({ ...opts, duration: 1 });
  const without = await load({ ...opts, duration });
  row(`dashboard: ${RATE} req/s offered, no dashboard open`, without);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${mock.control}/_mock/ui/#journal`);
    await page.locator('[data-testid=live]:text("live")').waitFor({ timeout: 30_000 });
    const liveCount = async () => Number((await page.locator('[data-testid=counts]').textContent()).split(' ')[0]);
    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await liveCount());
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const withDashboard = await load({ ...opts, duration });
    sampling = false;
    await sampler;
    const moved = samples.slice(1).filter((n, i) => n > samples[i]).length;
    const rowsDrawn = await page.locator('[data-testid=journal-table] tbody tr').count();
    const drop = without.rps ? Math.round((1 - withDashboard.rps / without.rps) * 1000) / 10 : null;
    row(`dashboard: ${RATE} req/s offered, dashboard open and following`, withDashboard, `throughput drop ${drop}% (target < 10%); the page's live counter moved in ${moved} of ${samples.length - 1} half-second samples, ${rowsDrawn} rows drawn`);
    return { offeredRps: RATE, withoutRps: without.rps, withRps: withDashboard.rps, dropPercent: drop, counterMoved: moved, samples: samples.length - 1, rowsDrawn };
  } finally {
    await browser.close();
  }
}
