#!/usr/bin/env node
import { banner } from './banner.js';
import { exec } from './cli/exec.js';
import { startupFailure } from './cli/failure.js';
import { writeReadyFile } from './cli/ready-file.js';
import { HELP, loadConfig } from './config.js';
import { write } from './logger.js';
import { startMock } from './mock.js';
import { readyInfo } from './ready.js';
import { version } from './version.js';

async function serve(argv: string[]): Promise<void> {
  const started = performance.now();
  const config = loadConfig(argv, process.env);
  if (config === 'help') return write(process.stdout, HELP);
  if (config === 'version') return write(process.stdout, `${version}\n`);
  const mock = await startMock(config);
  // the handlers come before the banner: whoever waits for "ready" may send a signal right away
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    mock.logger.info(`${signal}: stopping`);
    // close() bounds itself (about a second); this only guards against a bug there
    setTimeout(() => {
      mock.logger.error('stopping took over 5 s: exiting anyway');
      process.exit(1);
    }, 5000).unref();
    const since = performance.now();
    mock.close().then(
      () => {
        mock.logger.info(`stopped in ${Math.round(performance.now() - since)} ms`);
        process.exit(0);
      },
      (err: unknown) => {
        mock.logger.error('stopping failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const info = readyInfo(mock);
  if (config.readyFile) await writeReadyFile(config.readyFile, info);
  if (config.printReadyJson) write(process.stdout, `${JSON.stringify(info)}\n`);
  else mock.logger.info(banner(mock));
  mock.logger.info(`${config.printReadyJson ? '' : '\n  '}ready in ${Math.round(performance.now() - started)} ms`);
}

const argv = process.argv.slice(2);
const config = () => {
  try {
    const c = loadConfig(argv[0] === 'exec' ? [] : argv, process.env);
    return typeof c === 'string' ? null : c;
  } catch {
    return null;
  }
};
const run = argv[0] === 'exec' ? exec(argv.slice(1), process.env).then((code) => process.exit(code)) : serve(argv);
run.catch((err: unknown) => {
  process.stderr.write(`${startupFailure(err, config())}\n`);
  process.exit(1);
});
