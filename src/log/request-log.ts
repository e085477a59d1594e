import type { Config } from '../config.js';
import type { JournalEntry } from '../journal/journal.js';
import type { Logger } from '../logger.js';
import type { State } from '../store/state.js';
import { refusalHint } from './refusal-hint.js';

const REFUSALS = new Set(['tls_refused', 'unknown_certificate', 'ip_not_allowlisted', 'fcrdns_failed', 'invalid_api_key']);

/**
 * One line per journal entry at info: method, path, status, decision, program, ms, fault; a refusal
 * also says what to change. At debug: the request id, the caller's address and the reason.
 */
export function requestLogLine(entry: JournalEntry, state: State, config: Pick<Config, 'logLevel' | 'logFormat' | 'dnsResolver'>): string {
  const debug = config.logLevel === 'debug';
  const hint = REFUSALS.has(entry.decision) ? refusalHint(entry, state, config.dnsResolver) : null;
  if (config.logFormat === 'json') {
    return JSON.stringify({
      time: new Date(entry.time).toISOString(),
      level: 'info',
      msg: 'request',
      method: entry.method,
      path: entry.path,
      status: entry.status,
      decision: entry.decision,
      programId: entry.programId,
      ms: entry.durationMs,
      fault: entry.fault,
      ...(hint ? { hint } : {}),
      ...(debug ? { requestId: entry.id, remoteAddress: entry.remoteAddress, reason: entry.reason } : {}),
    });
  }
  const parts = [
    entry.method ?? 'TLS',
    entry.path ?? '-',
    entry.status === null ? '-' : String(entry.status),
    entry.decision,
    `program=${entry.programId ?? '-'}`,
    `${entry.durationMs ?? '-'}ms`,
  ];
  if (entry.fault) parts.push(`fault=${entry.fault}`);
  if (debug) parts.push(`id=${entry.id}`, `from=${entry.remoteAddress ?? '-'}`, ...(entry.reason ? [`reason=${entry.reason}`] : []));
  return `${parts.join(' ')}${hint ? `\n  refused: ${hint}` : ''}`;
}

/** The request log: silent writes nothing and costs nothing per request. */
export function requestLog(logger: Logger, state: () => State, config: Pick<Config, 'logLevel' | 'logFormat' | 'dnsResolver'>): ((entry: JournalEntry) => void) | null {
  if (config.logLevel === 'silent') return null;
  return (entry) => logger.line(requestLogLine(entry, state(), config));
}
