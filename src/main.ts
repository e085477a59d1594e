#!/usr/bin/env node
import { banner } from './banner.js';
import { ConfigError, HELP, loadConfig } from './config.js';
import { write } from './logger.js';
import { startMock } from './mock.js';
import { FixturesError } from './store/fixtures.js';
import { describeProblems } from './store/state-check.js';
import { StoreFileError } from './store/store.js';

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config === 'help') {
    write(process.stdout, HELP);
    return;
  }
  const mock = await startMock(config);
  // the handlers come before the banner: whoever waits for "ready" may send a signal right away
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    mock.logger.info(`${signal}: stopping`);
    mock.close().then(
      () => process.exit(0),
      (err: unknown) => {
        mock.logger.error('stopping failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  mock.logger.info(banner(mock));
  mock.logger.info(`\n  ready in ${Math.round(performance.now() - started)} ms`);
}

main().catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    process.stderr.write(
      `axys-mock: ${(err as Error).message}\n  The user running the mock (uid ${process.getuid?.() ?? '?'}) cannot write there.` +
        ` In Docker, create the mounted folders first and run as yourself: mkdir -p certs data && docker run --user "$(id -u):$(id -g)" ...\n`,
    );
  } else if (err instanceof FixturesError) {
    process.stderr.write(`axys-mock: ${err.message.replace(/ see errors\[\]\./, ` ${describeProblems(err.errors)}.`)}\n`);
  } else if (err instanceof ConfigError || err instanceof StoreFileError || code === 'EADDRINUSE') {
    process.stderr.write(`axys-mock: ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`axys-mock failed to start: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
