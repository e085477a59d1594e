import { parseArgs } from 'node:util';
import path from 'node:path';
import { parseCidr } from './net/ip.js';

export interface Config {
  host: string;
  port: number;
  controlPort: number;
  /** null keeps the store in memory only */
  dataFile: string | null;
  certsDir: string;
  fixtures: string;
  controlToken: string | null;
  /** names besides localhost, IP literals and dotless names that the control plane answers to; `*` = any */
  controlHosts: string[];
  logLevel: 'silent' | 'info' | 'debug';
  /** request log and messages as text lines or one JSON object a line */
  logFormat: 'text' | 'json';
  /** CLI: where to write the ready JSON (URLs, ports, certificate files, API keys) once listening */
  readyFile: string | null;
  /** CLI: print the ready JSON on stdout instead of the banner */
  printReadyJson: boolean;
  /** extra DNS names / IPs for the server certificate */
  tlsServerNames: string[];
  /** whether the per-request X-Mock-Fault header is honoured */
  faultHeader: boolean;
  dnsResolver: 'static' | 'system';
  /** validate every response against the spec (tests turn this on) */
  validateResponses: boolean;
  /** seconds until a bank deposit clears into availableBalance; null = 5 business days (FUND) */
  depositClearingSeconds: number | null;
  /** life of a 3-DS OTP listener from its subscription, and of a received code (contract section 7) */
  otpListenerSeconds: number;
  otpCodeSeconds: number;
  /** how long a webhook delivery may take before it counts as timed out */
  webhookTimeoutMs: number;
  /** which webhook URLs are accepted: http(s) but the mock's own listeners, or the platform's public HTTPS only */
  webhookUrls: 'any' | 'public-https';
  /** addresses let through every fixture program's allowlist and FCrDNS; `gateway` = this machine's default gateway (Docker) */
  allowCallers: string[];
  /** a TCP connection to the platform API that has not finished its TLS handshake within this is closed */
  handshakeTimeoutMs: number;
  /** a connection that sent no request within this of its start (after the handshake) is closed */
  firstRequestTimeoutMs: number;
  /** open connections over both listeners, and from one address */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** the request journal's bounds: entries, and characters held by them all */
  journalMaxEntries: number;
  journalMaxBytes: number;
}

export const DEFAULT_FIXTURES = 'default';

export const defaults: Config = Object.freeze({
  host: '127.0.0.1',
  port: 8443,
  controlPort: 8081,
  dataFile: 'data/db.json',
  certsDir: 'certs',
  fixtures: DEFAULT_FIXTURES,
  controlToken: null,
  controlHosts: [],
  logLevel: 'info',
  logFormat: 'text',
  readyFile: null,
  printReadyJson: false,
  tlsServerNames: [],
  faultHeader: true,
  dnsResolver: 'static',
  validateResponses: false,
  depositClearingSeconds: null,
  otpListenerSeconds: 900,
  otpCodeSeconds: 300,
  webhookTimeoutMs: 3000,
  webhookUrls: 'any',
  allowCallers: [],
  handshakeTimeoutMs: 5000,
  firstRequestTimeoutMs: 10_000,
  maxConnections: 2048,
  maxConnectionsPerIp: 512,
  journalMaxEntries: 5000,
  journalMaxBytes: 32 * 1024 * 1024,
}) as Config;

const HELP = `axys-mock: a local emulator of the Axys Cards platform API v2

Usage: axys-mock [options]            (every option also reads the environment variable in brackets)
       axys-mock exec [options] [--min-coverage <n>] -- <command> [args...]
                        start the mock, run the command with AXYS_MOCK_* variables set,
                        stop the mock, exit with the command's exit code

  --port <n>            platform API port, 0 = any free port       [PORT, default 8443]
  --control-port <n>    control plane port, 0 = any free port      [CONTROL_PORT, default 8081]
  --host <addr>         address both listeners bind                [HOST, default 127.0.0.1]
  --data-file <path>    JSON store                                 [DATA_FILE, default data/db.json]
  --in-memory           keep no data file
  --certs-dir <path>    CA, server and client certificates         [CERTS_DIR, default certs]
  --fixtures <name|path> state of a fresh start and of a reset     [FIXTURES, default "default"]
  --control-token <t>   require "Authorization: Bearer <t>" on /_mock [CONTROL_TOKEN]
  --control-hosts <a,b> more Host names the control plane answers to [CONTROL_HOSTS]
                        (it always does to localhost, IP addresses and dotless
                        names such as a compose service; "*" = any; any with a token)
  --log-level <l>       silent | info | debug                      [LOG_LEVEL, default info]
                        info: the banner and one line per request; debug: also the
                        request id, caller address and reason
  --log-format <f>      text | json                                [LOG_FORMAT, default text]
  --ready-file <path>   write the ready JSON there once listening  [READY_FILE]
  --print-ready-json    print the ready JSON instead of the banner
  --tls-server-names <a,b> extra names for the server certificate  [TLS_SERVER_NAMES]
  --dns-resolver <r>    static (the /_mock/dns table) | system     [DNS_RESOLVER, default static]
  --no-fault-header     ignore the X-Mock-Fault request header     [FAULT_HEADER=off]
  --deposit-clearing-seconds <n> bank deposits clear after n seconds [DEPOSIT_CLEARING_SECONDS, default 5 business days]
  --otp-listener-seconds <n> life of a 3-DS OTP listener            [OTP_LISTENER_SECONDS, default 900]
  --otp-code-seconds <n> life of a received 3-DS code              [OTP_CODE_SECONDS, default 300]
  --webhook-timeout-ms <n> webhook delivery timeout                [WEBHOOK_TIMEOUT_MS, default 3000]
  --webhook-urls <p>     any (http/https, never the mock itself) | public-https [WEBHOOK_URLS, default any]
  --allow-callers <a,b> extra callers for every fixture program    [ALLOW_CALLERS]
                        IPs or CIDR ranges (a compose network: 172.18.0.0/16);
                        "gateway" = the Docker host as a container sees it
                        through -p (the image sets it)
  --handshake-timeout-ms <n> close a connection still in its TLS handshake [HANDSHAKE_TIMEOUT_MS, default 5000]
  --first-request-timeout-ms <n> close a connection that sent no request [FIRST_REQUEST_TIMEOUT_MS, default 10000]
  --max-connections <n> open connections in all                   [MAX_CONNECTIONS, default 2048]
  --max-connections-per-ip <n> open connections from one address  [MAX_CONNECTIONS_PER_IP, default 512]
  --journal-max-entries <n> requests the journal keeps             [JOURNAL_MAX_ENTRIES, default 5000]
  --journal-max-bytes <n> characters the journal holds in all       [JOURNAL_MAX_BYTES, default 33554432]
  --version             the version
  -h, --help            this text
`;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function parsePort(name: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigError(`${name} must be a port number 0..65535, got "${raw}"`);
  return n;
}

function parseCount(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || !Number.isSafeInteger(n)) throw new ConfigError(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return n;
}

function parseBoolSwitch(name: string, raw: string): boolean {
  if (/^(on|true|1|yes)$/i.test(raw)) return true;
  if (/^(off|false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

/** Pure: flags win over environment variables, which win over defaults. Throws ConfigError naming every bad key. */
export function loadConfig(argv: string[] = [], env: Env = {}, base: Config = defaults): Config | 'help' | 'version' {
  const { values } = parseFlags(argv);
  if (values.help) return 'help';
  if (values.version) return 'version';
  return configFrom(values, env, base);
}

const OPTIONS = {
  port: { type: 'string' },
  'control-port': { type: 'string' },
  host: { type: 'string' },
  'data-file': { type: 'string' },
  'in-memory': { type: 'boolean' },
  'certs-dir': { type: 'string' },
  fixtures: { type: 'string' },
  'control-token': { type: 'string' },
  'control-hosts': { type: 'string' },
  'log-level': { type: 'string' },
  'tls-server-names': { type: 'string' },
  'dns-resolver': { type: 'string' },
  'no-fault-header': { type: 'boolean' },
  'deposit-clearing-seconds': { type: 'string' },
  'otp-listener-seconds': { type: 'string' },
  'otp-code-seconds': { type: 'string' },
  'webhook-timeout-ms': { type: 'string' },
  'webhook-urls': { type: 'string' },
  'allow-callers': { type: 'string' },
  'handshake-timeout-ms': { type: 'string' },
  'first-request-timeout-ms': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'journal-max-entries': { type: 'string' },
  'journal-max-bytes': { type: 'string' },
  'log-format': { type: 'string' },
  'ready-file': { type: 'string' },
  'print-ready-json': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>['values'];

/** parseArgs with its errors turned into one line that names the flag (no stack trace). */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, strict: true, options: OPTIONS });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const flag = /'(-[^' ]+)/.exec(err.message)?.[1];
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new ConfigError(`unknown option ${flag ?? err.message}. Run axys-mock --help for the options.`);
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new ConfigError(`${flag ?? 'an option'} needs a value. Run axys-mock --help for the options.`);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new ConfigError(`unexpected argument ${/'([^']*)'/.exec(err.message)?.[1] ?? ''}: options start with --. Run axys-mock --help for the options.`);
    throw new ConfigError(`${err.message} Run axys-mock --help for the options.`);
  }
}

/** `exec [mock options] [--min-coverage n] -- command...`: the mock's options, the threshold and the command. */
export function splitExecArgs(argv: string[]): { mockArgs: string[]; minCoverage: string | undefined; command: string[] } {
  const dashes = argv.indexOf('--');
  const before = dashes === -1 ? argv : argv.slice(0, dashes);
  const command = dashes === -1 ? [] : argv.slice(dashes + 1);
  const mockArgs: string[] = [];
  let minCoverage: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const arg = before[i]!;
    if (arg === '--min-coverage' || arg.startsWith('--min-coverage=')) {
      minCoverage = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : before[++i];
      if (minCoverage === undefined) throw new ConfigError('--min-coverage needs a value (a percentage 0..100).');
    } else mockArgs.push(arg);
  }
  if (!command.length) throw new ConfigError('exec needs a command after --, as in: axys-mock exec -- pytest -q');
  return { mockArgs, minCoverage, command };
}

function configFrom(values: Flags, env: Env, base: Config): Config {
  const pick = (flag: string | undefined, key: string): string | undefined => flag ?? (env[key] || undefined);
  const problems: string[] = [];
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      problems.push((e as Error).message);
      return fallback;
    }
  };
  const port = pick(values.port, 'PORT');
  const controlPort = pick(values['control-port'], 'CONTROL_PORT');
  const logLevel = pick(values['log-level'], 'LOG_LEVEL') ?? base.logLevel;
  if (!['silent', 'info', 'debug'].includes(logLevel)) problems.push(`LOG_LEVEL must be silent, info or debug, got "${logLevel}"`);
  const dnsResolver = pick(values['dns-resolver'], 'DNS_RESOLVER') ?? base.dnsResolver;
  if (!['static', 'system'].includes(dnsResolver)) problems.push(`DNS_RESOLVER must be static or system, got "${dnsResolver}"`);
  const faultHeaderEnv = env.FAULT_HEADER;
  const count = (flag: string | undefined, key: string, min: number, fallback: number): number => {
    const raw = pick(flag, key);
    return raw === undefined ? fallback : attempt(() => parseCount(key, raw, min), fallback);
  };
  const list = (flag: string | undefined, key: string): string[] => (pick(flag, key) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const clearing = pick(values['deposit-clearing-seconds'], 'DEPOSIT_CLEARING_SECONDS');
  const allowCallers = list(values['allow-callers'], 'ALLOW_CALLERS');
  for (const entry of allowCallers) {
    if (entry !== 'gateway' && !parseCidr(entry)) problems.push(`ALLOW_CALLERS entries must be IP addresses, CIDR ranges (172.18.0.0/16) or "gateway", got "${entry}"`);
  }
  const webhookUrls = pick(values['webhook-urls'], 'WEBHOOK_URLS') ?? base.webhookUrls;
  if (!['any', 'public-https'].includes(webhookUrls)) problems.push(`WEBHOOK_URLS must be any or public-https, got "${webhookUrls}"`);
  const logFormat = pick(values['log-format'], 'LOG_FORMAT') ?? base.logFormat;
  if (!['text', 'json'].includes(logFormat)) problems.push(`LOG_FORMAT must be text or json, got "${logFormat}"`);
  const readyFile = pick(values['ready-file'], 'READY_FILE');
  const dataFile = pick(values['data-file'], 'DATA_FILE') ?? base.dataFile;
  const config: Config = {
    host: pick(values.host, 'HOST') ?? base.host,
    port: port === undefined ? base.port : attempt(() => parsePort('PORT', port), 0),
    controlPort: controlPort === undefined ? base.controlPort : attempt(() => parsePort('CONTROL_PORT', controlPort), 0),
    dataFile: values['in-memory'] || dataFile === null ? null : path.resolve(dataFile),
    certsDir: path.resolve(pick(values['certs-dir'], 'CERTS_DIR') ?? base.certsDir),
    fixtures: pick(values.fixtures, 'FIXTURES') ?? base.fixtures,
    controlToken: pick(values['control-token'], 'CONTROL_TOKEN') ?? null,
    controlHosts: list(values['control-hosts'], 'CONTROL_HOSTS'),
    logLevel: logLevel as Config['logLevel'],
    logFormat: logFormat as Config['logFormat'],
    readyFile: readyFile ? path.resolve(readyFile) : null,
    printReadyJson: values['print-ready-json'] ?? false,
    tlsServerNames: list(values['tls-server-names'], 'TLS_SERVER_NAMES'),
    faultHeader: values['no-fault-header'] ? false : faultHeaderEnv ? attempt(() => parseBoolSwitch('FAULT_HEADER', faultHeaderEnv), true) : true,
    dnsResolver: dnsResolver as Config['dnsResolver'],
    validateResponses: false,
    depositClearingSeconds: clearing === undefined ? null : attempt(() => parseCount('DEPOSIT_CLEARING_SECONDS', clearing, 0), null),
    otpListenerSeconds: count(values['otp-listener-seconds'], 'OTP_LISTENER_SECONDS', 1, base.otpListenerSeconds),
    otpCodeSeconds: count(values['otp-code-seconds'], 'OTP_CODE_SECONDS', 1, base.otpCodeSeconds),
    webhookTimeoutMs: count(values['webhook-timeout-ms'], 'WEBHOOK_TIMEOUT_MS', 1, base.webhookTimeoutMs),
    webhookUrls: webhookUrls as Config['webhookUrls'],
    allowCallers,
    handshakeTimeoutMs: count(values['handshake-timeout-ms'], 'HANDSHAKE_TIMEOUT_MS', 1, base.handshakeTimeoutMs),
    firstRequestTimeoutMs: count(values['first-request-timeout-ms'], 'FIRST_REQUEST_TIMEOUT_MS', 1, base.firstRequestTimeoutMs),
    maxConnections: count(values['max-connections'], 'MAX_CONNECTIONS', 1, base.maxConnections),
    maxConnectionsPerIp: count(values['max-connections-per-ip'], 'MAX_CONNECTIONS_PER_IP', 1, base.maxConnectionsPerIp),
    journalMaxEntries: count(values['journal-max-entries'], 'JOURNAL_MAX_ENTRIES', 1, base.journalMaxEntries),
    journalMaxBytes: count(values['journal-max-bytes'], 'JOURNAL_MAX_BYTES', 65536, base.journalMaxBytes),
  };
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}\nRun with --help for the options.`);
  return Object.freeze(config);
}

export { HELP };
