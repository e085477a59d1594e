import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CertificateService } from './certificates.js';
import { createControlClient, type ControlClient } from './client/control-client.js';
import { createDispatcher, createHttpsAgent, type FetchDispatcher, type TlsMaterial } from './client/tls-clients.js';
import { Clock } from './clock.js';
import { defaults, type Config } from './config.js';
import { createControlApp } from './control/app.js';
import { allowCallers } from './domain/allow-callers.js';
import { liveApiKey } from './domain/programs.js';
import { FaultEngine } from './faults/engine.js';
import { faultInjection } from './faults/inject.js';
import { staticResolver, systemResolver, withCallerRanges } from './gateway/fcrdns.js';
import { singleAddress } from './net/ip.js';
import { RateLimiter } from './gateway/rate-limit.js';
import { Journal } from './journal/journal.js';
import { journalTlsRefusals } from './journal/tls-refusals.js';
import { requestLog } from './log/request-log.js';
import { createLogger, type Logger } from './logger.js';
import { defaultGateway } from './net/default-gateway.js';
import { loadSpecValidator } from './http/validator.js';
import { platformSpecPath } from './paths.js';
import { ConnectionGuard } from './net/connections.js';
import { connectionBudget } from './net/descriptors.js';
import { createPlatformApp } from './platform/app.js';
import { Snapshots } from './state/snapshots.js';
import { ProgramSnapshots } from './state/program-snapshots.js';
import { Coverage } from './coverage/coverage.js';
import { OperationMatcher, platformOperations } from './coverage/operations.js';
import { Metrics } from './metrics/metrics.js';
import { loadFixtures } from './store/fixtures.js';
import type { State } from './store/state.js';
import type { DurabilityHooks } from './store/durability-hooks.js';
import { Store } from './store/store.js';
import { Timeline } from './timeline/scheduler.js';
import { apiServerTlsOptions, loadOrCreateCertificates, type CertificateSet } from './tls/index.js';
import { version } from './version.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { WebhookSink } from './webhooks/sink.js';
import { WebhookUrlPolicy, type Listener } from './webhooks/url-policy.js';

export type MockOptions = Partial<Config> & {
  /** tests only: crash the store at a step of a write, or shorten its writes (see src/store/durability-hooks.ts) */
  durabilityHooks?: DurabilityHooks;
  /** tests only: fold the change log into a new snapshot past this many bytes */
  compactAtBytes?: number;
};

/** Embedded defaults: free ports, no data file, quiet, certificates cached in the temp dir. */
export const embeddedDefaults: Config = Object.freeze({
  ...defaults,
  port: 0,
  controlPort: 0,
  dataFile: null,
  certsDir: path.join(os.tmpdir(), 'axys-mock', 'certs'),
  logLevel: 'silent',
}) as Config;

export interface RunningMock {
  config: Config;
  apiUrl: string;
  controlUrl: string;
  ports: { api: number; control: number };
  certs: CertificateSet;
  store: Store;
  clock: Clock;
  journal: Journal;
  webhooks: WebhookDispatcher;
  certificates: CertificateService;
  faults: FaultEngine;
  rateLimiter: RateLimiter;
  snapshots: Snapshots;
  /** which operations and error scenarios the run exercised (GET /_mock/coverage) */
  coverage: Coverage;
  /** Prometheus metrics (GET /_mock/metrics) */
  metrics: Metrics;
  logger: Logger;
  /** The fixture program that apiKey, tls, dispatcher and agent are for: the first staging program with a client certificate and a live key. */
  programId: number;
  /** That program's X-API-Key. */
  apiKey: string;
  /** The mock's CA and that program's client certificate and key, PEM. */
  tls: TlsMaterial;
  /** For Node's fetch: `fetch(\`${apiUrl}/v2/cardholders\`, { dispatcher, headers: { 'X-API-Key': apiKey } })`. */
  dispatcher: FetchDispatcher;
  /** A keep-alive `https.Agent` with the same TLS material, for node:https and HTTP libraries built on it. */
  agent: https.Agent;
  /**
   * Node's fetch against the platform API as that program: a path resolves against apiUrl, the client
   * certificate is presented and X-API-Key sent unless `init.headers` has its own. Types the same with
   * and without the DOM lib (whose RequestInit has no `dispatcher`).
   */
  fetch(path: string | URL, init?: RequestInit): Promise<Response>;
  /** Typed client over the control plane. */
  control: ControlClient;
  reset(fixtures?: string): Promise<void>;
  /** Closes both listeners, the dispatcher and the agent. Safe to call twice. */
  close(): Promise<void>;
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return shown.includes(':') ? `[${shown}]` : shown;
}

/** The addresses ALLOW_CALLERS names, with `gateway` looked up (skipped, with a warning, where there is none). */
function resolveCallers(entries: readonly string[], logger: Logger): string[] {
  return entries.flatMap((entry) => {
    if (entry !== 'gateway') return [entry];
    const gateway = defaultGateway();
    if (gateway === null) logger.info('ALLOW_CALLERS: no default gateway found (no /proc/net/route), "gateway" ignored');
    return gateway === null ? [] : [gateway];
  });
}

interface DefaultProgram {
  programId: number;
  apiKey: string;
  tls: TlsMaterial;
}

function defaultProgram(state: State, certs: CertificateSet): DefaultProgram | null {
  const usable = state.programs.flatMap((program) => {
    const client = certs.clients.get(program.programId);
    const key = liveApiKey(state, program.programId);
    return client && key ? [{ program, programId: program.programId, apiKey: key.apiKey, tls: { ca: certs.ca.certPem, cert: client.certPem, key: client.keyPem } }] : [];
  });
  return usable.find((u) => u.program.environment === 'staging') ?? usable[0] ?? null;
}

function fixturePrograms(state: State) {
  return state.programs.map((p) => ({ programId: p.programId, tenantName: p.tenantName, programName: p.programName, domains: p.domains }));
}

/** Wires everything and starts both listeners. Port 0 picks free ports; the bound ones are returned. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const { durabilityHooks, compactAtBytes, ...settings } = options;
  const config: Config = Object.freeze({ ...embeddedDefaults, ...settings }) as Config;
  // loaded once per process; started first so it overlaps the fixtures and certificates
  const platformSpec = loadSpecValidator(platformSpecPath, config.validateResponses);
  platformSpec.catch(() => undefined);
  const logger = createLogger(config.logLevel, config.logFormat);
  const callers = resolveCallers(config.allowCallers ?? [], logger);
  const clock = new Clock();
  // a path only from the start-up settings; the control plane names files in fixtures/. A named
  // set's history is placed just before `now` on the mock's clock.
  const fixtureState = async (name: string, now = clock.now()) => allowCallers(await loadFixtures(name, { allowPath: name === config.fixtures, now }), callers);
  const fixtures = await fixtureState(config.fixtures);
  const store = config.dataFile ? await Store.open(config.dataFile, () => fixtureState(config.fixtures), { hooks: durabilityHooks, compactAtBytes }) : Store.memory(fixtures);
  const certs = await loadOrCreateCertificates(config.certsDir, fixturePrograms(fixtures), config.tlsServerNames);
  const journal = new Journal({ maxEntries: config.journalMaxEntries, maxBytes: config.journalMaxBytes });
  const logRequest = requestLog(logger, () => store.state, config);
  if (logRequest) journal.subscribe(logRequest);
  // filled in once both listeners are bound
  const listeners: Listener[] = [];
  const webhookUrls = new WebhookUrlPolicy(config.webhookUrls, () => listeners);
  const webhooks = new WebhookDispatcher(clock, config.webhookTimeoutMs, undefined, webhookUrls);
  const webhookSink = new WebhookSink();
  const certificates = new CertificateService(certs, () => store.state, clock);
  const timeline = new Timeline(store, clock, certificates, webhooks);
  const faults = new FaultEngine();
  const rateLimiter = new RateLimiter(() => clock.elapsedMs());
  const snapshots = new Snapshots();
  const programSnapshots = new ProgramSnapshots();
  await platformSpec; // its document is what the operation lists read
  const operations = platformOperations();
  const matcher = new OperationMatcher(operations);
  const coverage = new Coverage(operations);
  const metrics = new Metrics();
  journal.subscribe((entry) => {
    const op = entry.method && entry.path ? matcher.match(entry.method, entry.path) : null;
    coverage.record(entry, op);
    metrics.record(entry, op);
  });
  const logError = (err: unknown, req: { method: string; originalUrl: string }) => logger.error(`unexpected error on ${req.method} ${req.originalUrl}:`, err);

  const platformApp = await createPlatformApp({
    store,
    clock,
    journal,
    validateResponses: config.validateResponses,
    logError,
    settings: {
      depositClearingSeconds: config.depositClearingSeconds,
      otpListenerSeconds: config.otpListenerSeconds,
      otpCodeSeconds: config.otpCodeSeconds,
      webhookUrlRefusal: (url) => webhookUrls.refusal(url),
    },
    webhooks,
    rateLimiter,
    faults: faultInjection({ engine: faults, store, clock, headerEnabled: config.faultHeader }),
    gateway: {
      state: () => store.state,
      certificateOwner: (serial) => certificates.owner(serial),
      resolver: withCallerRanges(
        config.dnsResolver === 'system' ? systemResolver : staticResolver(() => store.state.dns),
        callers.filter((c) => !singleAddress(c)),
        fixtures.programs.flatMap((p) => p.domains),
      ),
    },
  });
  const apiServer = https.createServer({ ...apiServerTlsOptions(certs), handshakeTimeout: config.handshakeTimeoutMs }, platformApp);
  // connections never take the descriptors a store write needs
  const budget = connectionBudget(config.maxConnections);
  if (budget.lowered) logger.info(budget.lowered);
  const connections = new ConnectionGuard({ ...config, maxConnections: budget.max }, (line) => logger.info(line));
  connections.attach(apiServer, 'tls');
  apiServer.keepAliveTimeout = 65_000;
  await certificates.attach(apiServer);
  journalTlsRefusals(apiServer, journal, clock);

  /** After the whole state changed (reset, import, restore): runtime that described the old state starts over. */
  const replaceState = async (next: State) => {
    await store.replace(next);
    // the programs they were of may be gone or others now
    programSnapshots.clear();
    faults.clearCounters();
    rateLimiter.clear();
    await certificates.applyRevocations();
  };

  const reset = async (name?: string) => {
    // placed against the real time the clock goes back to
    await replaceState(await fixtureState(name ?? config.fixtures, clock.realNow()));
    clock.reset();
    journal.clear();
    webhooks.clear();
    webhookSink.clear();
  };

  let apiUrl = '';
  const controlApp = createControlApp({
    store,
    clock,
    journal,
    webhooks,
    webhookSink,
    certificates,
    version,
    platformUrl: () => apiUrl,
    clientCertificate: (programId) => certs.clients.get(programId),
    controlToken: config.controlToken,
    webhookUrls,
    hostPolicy: { bindHost: config.host, controlHosts: config.controlHosts, controlToken: config.controlToken },
    validateResponses: config.validateResponses,
    logError,
    faults,
    snapshots,
    programSnapshots,
    coverage,
    metrics,
    fixtures: () => fixtureState(config.fixtures),
    timeline,
    reset,
    replaceState,
    rateBucket: (apiKey, limit) => rateLimiter.peek(apiKey, limit),
    restartRateBuckets: (apiKeys) => rateLimiter.restart(apiKeys),
  });
  const controlServer = http.createServer(controlApp);
  connections.attach(controlServer, 'http');

  const apiPort = await listen(apiServer, config.port, config.host);
  let controlPort: number;
  try {
    controlPort = await listen(controlServer, config.controlPort, config.host);
  } catch (e) {
    apiServer.close();
    throw e;
  }

  listeners.push({ host: config.host, port: apiPort }, { host: config.host, port: controlPort });

  const program = defaultProgram(fixtures, certs);
  // created on first use: undici costs ~66 ms to import, and many embedders only use agent or tls
  let dispatcher: FetchDispatcher | undefined;
  const programDispatcher = (): FetchDispatcher | undefined => (program ? (dispatcher ??= createDispatcher(program.tls)) : undefined);
  const agent = program && createHttpsAgent(program.tls);
  const unavailable = (): never => {
    throw new Error(`startMock: the fixtures "${config.fixtures}" have no program with a client certificate and an API key, so programId, apiKey, tls, dispatcher and agent are unavailable`);
  };

  timeline.start();
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= closeAll());
  const closeAll = async () => {
    // at once: stop accepting, and every answer from now on says Connection: close
    const shutdown = connections.shutdown();
    timeline.stop();
    webhooks.abortAll();
    faults.close();
    agent?.destroy();
    await dispatcher?.destroy();
    // requests in flight finish, then what remains is destroyed; the store closes last
    await shutdown;
    await store.close();
  };

  apiUrl = `https://${urlHost(config.host)}:${apiPort}`;
  const controlUrl = `http://${urlHost(config.host)}:${controlPort}`;
  return {
    config,
    apiUrl,
    controlUrl,
    ports: { api: apiPort, control: controlPort },
    certs,
    store,
    clock,
    journal,
    webhooks,
    certificates,
    faults,
    rateLimiter,
    snapshots,
    coverage,
    metrics,
    logger,
    get programId() {
      return program?.programId ?? unavailable();
    },
    get apiKey() {
      return program?.apiKey ?? unavailable();
    },
    get tls() {
      return program?.tls ?? unavailable();
    },
    get dispatcher() {
      return programDispatcher() ?? unavailable();
    },
    get agent() {
      return agent ?? unavailable();
    },
    fetch: (target, init = {}) => {
      const dispatcher = programDispatcher();
      if (!program || !dispatcher) return unavailable();
      const headers = new Headers(init.headers);
      if (!headers.has('x-api-key')) headers.set('x-api-key', program.apiKey);
      return fetch(new URL(target, apiUrl), { ...init, headers, dispatcher } as RequestInit);
    },
    control: createControlClient(controlUrl, config.controlToken),
    reset,
    close,
  };
}
