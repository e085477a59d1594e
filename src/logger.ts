import type { Config } from './config.js';

export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  error(message: string, err?: unknown): void;
}

export function createLogger(level: Config['logLevel']): Logger {
  const out = (message: string) => process.stdout.write(`${message}\n`);
  return {
    info: (m) => level !== 'silent' && out(m),
    debug: (m) => level === 'debug' && out(m),
    error: (m, err) => {
      if (level === 'silent') return;
      process.stderr.write(`${m}${err instanceof Error ? `\n${err.stack}` : err ? ` ${String(err)}` : ''}\n`);
    },
  };
}
