// `import { AxysMockContainer } from 'axys-mock/testcontainers'`: the Docker image as a Testcontainers
// module. Needs the `testcontainers` package (an optional peer dependency: only this entry loads it).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { AbstractStartedContainer, GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { createControlClient, type ControlClient } from './client/control-client.js';
import { createDispatcher, createHttpsAgent, type FetchDispatcher, type TlsMaterial } from './client/tls-clients.js';

const API_PORT = 8443;
const CONTROL_PORT = 8081;
const CERTS = '/app/certs';

/**
 * The axys-mock image (default `axys-mock:latest`, or AXYS_MOCK_IMAGE): waits for its health check,
 * maps both ports, copies the certificates out, and starts to the same shape as `startMock()`.
 */
export class AxysMockContainer extends GenericContainer {
  #controlToken: string | null = null;

  constructor(image: string = process.env.AXYS_MOCK_IMAGE ?? 'axys-mock:latest') {
    super(image);
    this.withExposedPorts(API_PORT, CONTROL_PORT)
      // the image's own check, run every 500 ms instead of every 5 s so a test starts sooner
      .withHealthCheck({ test: ['CMD', 'node', '/app/docker/healthcheck.mjs'], interval: 500, timeout: 3000, retries: 120, startPeriod: 0 })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000);
  }

  /** Requires `Authorization: Bearer <token>` on the control plane; `control` sends it. */
  withControlToken(token: string): this {
    this.#controlToken = token;
    return this.withEnvironment({ CONTROL_TOKEN: token });
  }

  /** Mock flags, as after the image name in `docker run` (`--log-level debug`, `--fixtures ...`). */
  withMockArgs(...args: string[]): this {
    return this.withCommand(args);
  }

  override async start(): Promise<StartedAxysMockContainer> {
    // The URLs use the Docker host's address, which is not localhost when the tests run in a container
    // (the bridge gateway, or TESTCONTAINERS_HOST_OVERRIDE): the server certificate must name it.
    // Names given with withEnvironment({ TLS_SERVER_NAMES }) are kept.
    const dockerHost = (await getContainerRuntimeClient()).info.containerRuntime.host;
    const names = (this.environment.TLS_SERVER_NAMES ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    this.withEnvironment({ TLS_SERVER_NAMES: [...new Set([...names, dockerHost])].join(',') });
    const started = await super.start();
    try {
      return await StartedAxysMockContainer.connect(started, this.#controlToken);
    } catch (e) {
      await started.stop().catch(() => undefined);
      throw e;
    }
  }
}

async function read(container: StartedTestContainer, file: string): Promise<string> {
  const { exitCode, stdout, stderr } = await container.exec(['cat', file]);
  if (exitCode !== 0) throw new Error(`axys-mock container: cannot read ${file}: ${stderr.trim()}`);
  return stdout;
}

export class StartedAxysMockContainer extends AbstractStartedContainer {
  private constructor(
    container: StartedTestContainer,
    /** `https://<host>:<mapped port>` */
    readonly apiUrl: string,
    /** `http://<host>:<mapped port>` */
    readonly controlUrl: string,
    /** the default program: the first staging program with a live API key */
    readonly programId: number,
    readonly apiKey: string,
    /** the mock's CA and that program's client certificate and key, PEM */
    readonly tls: TlsMaterial,
    /** a folder on this machine with ca.pem and clients/<programId>.pem, -key.pem (for curl and friends) */
    readonly certsDir: string,
    readonly dispatcher: FetchDispatcher,
    readonly agent: https.Agent,
    readonly control: ControlClient,
  ) {
    super(container);
  }

  static async connect(container: StartedTestContainer, controlToken: string | null): Promise<StartedAxysMockContainer> {
    const host = container.getHost();
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const apiUrl = `https://${urlHost}:${container.getMappedPort(API_PORT)}`;
    const controlUrl = `http://${urlHost}:${container.getMappedPort(CONTROL_PORT)}`;
    const control = createControlClient(controlUrl, controlToken);
    const { items } = await control.programs.list();
    const program = items.find((p) => p.environment === 'staging' && p.apiKeys.length) ?? items.find((p) => p.apiKeys.length);
    if (!program) throw new Error('axys-mock container: its fixtures have no program with an API key');
    const tls: TlsMaterial = {
      ca: await read(container, `${CERTS}/ca.pem`),
      cert: await read(container, `${CERTS}/clients/${program.programId}.pem`),
      key: await read(container, `${CERTS}/clients/${program.programId}-key.pem`),
    };
    const certsDir = await mkdtemp(path.join(os.tmpdir(), 'axys-mock-container-'));
    await mkdir(path.join(certsDir, 'clients'));
    await writeFile(path.join(certsDir, 'ca.pem'), tls.ca);
    await writeFile(path.join(certsDir, 'clients', `${program.programId}.pem`), tls.cert);
    await writeFile(path.join(certsDir, 'clients', `${program.programId}-key.pem`), tls.key, { mode: 0o600 });
    return new StartedAxysMockContainer(container, apiUrl, controlUrl, program.programId, program.apiKeys[0]!, tls, certsDir, createDispatcher(tls), createHttpsAgent(tls), control);
  }

  /** Node's fetch against the platform API as the default program (client certificate; X-API-Key unless given). */
  fetch(target: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('x-api-key')) headers.set('x-api-key', this.apiKey);
    return fetch(new URL(target, this.apiUrl), { ...init, headers, dispatcher: this.dispatcher } as RequestInit);
  }

  protected override async containerStopping(): Promise<void> {
    this.agent.destroy();
    await this.dispatcher.destroy();
    await rm(this.certsDir, { recursive: true, force: true });
  }

  /** The same as stop(), named as on startMock()'s result. */
  async close(): Promise<void> {
    await this.stop();
  }
}
