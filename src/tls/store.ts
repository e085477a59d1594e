import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CertificateSet, ClientCertificateFiles, PemPair, ProgramCertificateRequest } from './types.js';
import { createCertificateAuthority, createServerCertificate, issueClientCertificate, SERVER_DEFAULT_NAMES } from './issue.js';
import { pkcs12HoldsCertificate, toPkcs12 } from './pkcs12.js';
import { canonicalSerial } from './serial.js';
import { normalizeIp } from '../net/ip.js';
import { parseSubjectAltName } from './peer.js';
import { withFileLock } from './lock.js';

const RENEW_BEFORE_MS = 86_400_000; // regenerate what expires within a day

interface Paths {
  ca: string;
  caKey: string;
  server: string;
  serverKey: string;
  client: (id: number) => { cert: string; key: string; p12: string };
}

function pathsFor(dir: string): Paths {
  return {
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    server: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server-key.pem'),
    client: (id) => ({
      cert: path.join(dir, 'clients', `${id}.pem`),
      key: path.join(dir, 'clients', `${id}-key.pem`),
      p12: path.join(dir, 'clients', `${id}.p12`),
    }),
  };
}

async function readOptional(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Atomic replace: write a sibling temp file, then rename over the target. */
async function writeAtomic(file: string, data: string | Buffer, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode });
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

async function ensurePrivateMode(file: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info !== null && (info.mode & 0o077) !== 0) await chmod(file, 0o600);
}

interface ParsedPair {
  pair: PemPair;
  cert: X509Certificate;
  key: KeyObject;
}

function parsePair(certPem: Buffer | null, keyPem: Buffer | null): ParsedPair | null {
  if (certPem === null || keyPem === null) return null;
  try {
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    if (!cert.checkPrivateKey(key)) return null;
    return { pair: { certPem: certPem.toString('utf8'), keyPem: keyPem.toString('utf8') }, cert, key };
  } catch {
    return null;
  }
}

function inValidity(cert: X509Certificate, now: number): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now + 60_000 && to > now + RENEW_BEFORE_MS;
}

function validCa(parsed: ParsedPair | null, now: number): parsed is ParsedPair {
  return parsed !== null && parsed.cert.ca && parsed.cert.verify(parsed.cert.publicKey) && inValidity(parsed.cert, now);
}

function validLeaf(parsed: ParsedPair | null, ca: X509Certificate, now: number): parsed is ParsedPair {
  return (
    parsed !== null &&
    parsed.cert.checkIssued(ca) &&
    parsed.cert.verify(ca.publicKey) &&
    inValidity(parsed.cert, now)
  );
}

function sanSet(cert: X509Certificate): Set<string> {
  return new Set(parseSubjectAltName(cert.subjectAltName).map((n) => normalizeIp(n.value).toLowerCase()));
}

function serverHasNames(cert: X509Certificate, names: string[]): boolean {
  const have = sanSet(cert);
  return names.every((n) => have.has(normalizeIp(n.trim()).toLowerCase()));
}

function subjectField(cert: X509Certificate, field: string): string | null {
  // Node prints the subject one "KEY=value" per line, escaping specials with backslashes.
  for (const line of cert.subject.split('\n')) {
    if (line.startsWith(`${field}=`)) return line.slice(field.length + 1).replace(/\\(.)/g, '$1');
  }
  return null;
}

/** The client certificate still describes the program (fixtures may have changed its names). */
function clientMatches(cert: X509Certificate, program: ProgramCertificateRequest): boolean {
  const have = sanSet(cert);
  return (
    subjectField(cert, 'O') === program.tenantName &&
    subjectField(cert, 'OU') === program.programName &&
    subjectField(cert, 'CN') === (program.domains[0] ?? null) &&
    have.size === new Set(program.domains.map((d) => d.toLowerCase())).size &&
    program.domains.every((d) => have.has(d.toLowerCase()))
  );
}

interface Loaded {
  ca: ParsedPair | null;
  server: ParsedPair | null;
  clients: Map<number, { parsed: ParsedPair | null; p12: Buffer | null }>;
}

async function readAll(paths: Paths, programs: ProgramCertificateRequest[]): Promise<Loaded> {
  const [caCert, caKey, serverCert, serverKey] = await Promise.all(
    [paths.ca, paths.caKey, paths.server, paths.serverKey].map(readOptional),
  );
  const clients = new Map<number, { parsed: ParsedPair | null; p12: Buffer | null }>();
  await Promise.all(
    programs.map(async (p) => {
      const files = paths.client(p.programId);
      const [cert, key, p12] = await Promise.all([files.cert, files.key, files.p12].map(readOptional));
      clients.set(p.programId, { parsed: parsePair(cert ?? null, key ?? null), p12: p12 ?? null });
    }),
  );
  return { ca: parsePair(caCert ?? null, caKey ?? null), server: parsePair(serverCert ?? null, serverKey ?? null), clients };
}

interface Plan {
  ca: boolean;
  server: boolean;
  clients: Set<number>;
  p12: Set<number>;
}

function plan(loaded: Loaded, programs: ProgramCertificateRequest[], serverNames: string[], now: number): Plan {
  const caOk = validCa(loaded.ca, now);
  const caCert = caOk ? loaded.ca!.cert : null;
  const result: Plan = { ca: !caOk, server: false, clients: new Set(), p12: new Set() };
  result.server = caCert === null || !validLeaf(loaded.server, caCert, now) || !serverHasNames(loaded.server.cert, serverNames);
  for (const program of programs) {
    const entry = loaded.clients.get(program.programId);
    const parsed = entry?.parsed ?? null;
    if (caCert === null || !validLeaf(parsed, caCert, now) || !clientMatches(parsed.cert, program)) {
      result.clients.add(program.programId);
      result.p12.add(program.programId);
    } else if (entry?.p12 == null || !pkcs12HoldsCertificate(entry.p12, parsed.pair.certPem)) {
      result.p12.add(program.programId);
    }
  }
  return result;
}

const nothingToDo = (p: Plan): boolean => !p.ca && !p.server && p.clients.size === 0 && p.p12.size === 0;

async function regenerate(
  dir: string,
  paths: Paths,
  loaded: Loaded,
  todo: Plan,
  programs: ProgramCertificateRequest[],
  serverNames: string[],
): Promise<void> {
  await mkdir(path.join(dir, 'clients'), { recursive: true });
  const ca = todo.ca ? await createCertificateAuthority('axys-mock CA') : loaded.ca!.pair;
  const writes: Array<Promise<void>> = [];
  const serverJob = todo.server
    ? createServerCertificate(ca, serverNames).then((pair) => {
        writes.push(writeAtomic(paths.server, pair.certPem, 0o644), writeAtomic(paths.serverKey, pair.keyPem, 0o600));
      })
    : Promise.resolve();
  const clientJobs = programs.map(async (program) => {
    const files = paths.client(program.programId);
    let pair = loaded.clients.get(program.programId)?.parsed?.pair ?? null;
    if (todo.clients.has(program.programId) || pair === null) {
      const issued = await issueClientCertificate(ca, program, { validDays: 825 });
      pair = { certPem: issued.certPem, keyPem: issued.keyPem ?? '' };
      writes.push(writeAtomic(files.cert, pair.certPem, 0o644), writeAtomic(files.key, pair.keyPem, 0o600));
    }
    if (todo.p12.has(program.programId)) {
      writes.push(writeAtomic(files.p12, await toPkcs12(pair.certPem, pair.keyPem, ca.certPem), 0o600));
    }
  });
  await Promise.all([serverJob, ...clientJobs]);
  await Promise.all(writes);
  // CA last: a lock-free reader that sees the new CA also sees leaves signed by it.
  if (todo.ca) {
    await writeAtomic(paths.caKey, ca.keyPem, 0o600);
    await writeAtomic(paths.ca, ca.certPem, 0o644);
  }
}

function toSet(dir: string, paths: Paths, loaded: Loaded, programs: ProgramCertificateRequest[]): CertificateSet {
  const clients = new Map<number, ClientCertificateFiles>();
  for (const program of programs) {
    const parsed = loaded.clients.get(program.programId)?.parsed;
    if (!parsed) throw new Error(`Client certificate for program ${program.programId} missing after load`);
    const files = paths.client(program.programId);
    clients.set(program.programId, {
      certPem: parsed.pair.certPem,
      keyPem: parsed.pair.keyPem,
      certPath: files.cert,
      keyPath: files.key,
      p12Path: files.p12,
      serial: canonicalSerial(parsed.cert.serialNumber),
    });
  }
  return { dir, ca: loaded.ca!.pair, server: loaded.server!.pair, clients };
}

async function loadUncached(
  dir: string,
  programs: ProgramCertificateRequest[],
  serverNames: string[],
): Promise<CertificateSet> {
  const paths = pathsFor(dir);
  const names = [...new Set([...SERVER_DEFAULT_NAMES, ...serverNames])];
  // Fast path, no lock: everything present and consistent (files are only ever replaced by
  // rename, so each one is whole; a mixed generation fails validation and takes the slow path).
  let loaded = await readAll(paths, programs);
  if (!nothingToDo(plan(loaded, programs, names, Date.now()))) {
    await mkdir(dir, { recursive: true });
    loaded = await withFileLock(path.join(dir, '.lock'), async () => {
      const current = await readAll(paths, programs);
      const todo = plan(current, programs, names, Date.now());
      if (nothingToDo(todo)) return current; // another process finished it meanwhile
      await regenerate(dir, paths, current, todo, programs, names);
      return readAll(paths, programs);
    });
  }
  await Promise.all([
    ensurePrivateMode(paths.caKey),
    ensurePrivateMode(paths.serverKey),
    ...programs.flatMap((p) => [ensurePrivateMode(paths.client(p.programId).key), ensurePrivateMode(paths.client(p.programId).p12)]),
  ]);
  return toSet(dir, paths, loaded, programs);
}

const cache = new Map<string, { key: string; promise: Promise<CertificateSet> }>();

/**
 * Loads the mock's certificates from `dir`, creating or repairing what is needed:
 * `ca.pem`, `ca-key.pem`, `server.pem`, `server-key.pem`, `clients/<programId>.pem`,
 * `clients/<programId>-key.pem`, `clients/<programId>.p12` (empty password). Keys and .p12 are 0600.
 *
 * A piece is regenerated only when missing, unparsable, its key does not match, it expires
 * within a day, or it is not signed by the current CA (a new CA therefore renews everything);
 * the server certificate also when a requested name is missing, a client certificate also when
 * its subject/SAN no longer describe the program. A .p12 is rebuilt (without a new key) when it
 * does not hold its PEM certificate (the certificate bags are not encrypted).
 *
 * Cross-process safety: repairs happen under an exclusive lock file `<dir>/.lock`, files are
 * replaced atomically (temp + rename). In-process: cached per directory; concurrent calls share
 * one promise.
 */
export function loadOrCreateCertificates(
  dir: string,
  programs: ProgramCertificateRequest[],
  serverNames: string[] = [],
): Promise<CertificateSet> {
  const abs = path.resolve(dir);
  const key = JSON.stringify([
    [...programs].sort((a, b) => a.programId - b.programId).map((p) => [p.programId, p.tenantName, p.programName, p.domains]),
    [...serverNames].sort(),
  ]);
  const hit = cache.get(abs);
  if (hit !== undefined && hit.key === key) return hit.promise;
  const previous = hit?.promise.catch(() => undefined) ?? Promise.resolve();
  const promise = previous.then(() => loadUncached(abs, programs, serverNames));
  cache.set(abs, { key, promise });
  promise.catch(() => {
    if (cache.get(abs)?.promise === promise) cache.delete(abs);
  });
  return promise;
}

/** Forget cached sets (all, or one directory). */
export function clearCertificateCache(dir?: string): void {
  if (dir === undefined) cache.clear();
  else cache.delete(path.resolve(dir));
}
