import { PROTOTYPE_KEYS } from '../json-scan.js';

/**
 * Change tracking for one synchronous mutation of the state, without copying the state.
 *
 * The state is seen through proxies for the duration of the change. The unit of change is a
 * "slot": a top-level key (`['programs']`) or one entry under it (`['cardholders', '17']`,
 * `['sequences', 'cardholders']`, an array's `['cardholders', 'length']`). A write anywhere at or
 * below a slot marks it dirty and, the first time, saves the slot's previous value (a deep copy of
 * one record; of a whole collection only when the collection itself is replaced). That gives both:
 * - the delta to persist: the final value of every dirty slot (`Change[]`), and
 * - the undo: the saved previous values, restored in reverse order when the write fails.
 */

export type Path = [string] | [string, string];

/** One slot's value after the change; `deleted` when the slot no longer exists. */
export type Change = { p: Path; v: unknown } | { p: Path; deleted: true };

interface SavedSlot {
  path: Path;
  existed: boolean;
  value: unknown;
}

type Obj = Record<string | symbol, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** Where a slot lives: its parent (the root, or the collection it is under) and its key there. */
function locate(root: Obj, path: Path): { parent: unknown; key: string } {
  return path.length === 1 ? { parent: root, key: path[0] } : { parent: root[path[0]], key: path[1] };
}

/**
 * Array methods that only look: they run on the raw array (no per-element proxy) and wrap what they
 * return. So a predicate sees raw records: inside a change, compare records by id, never by identity
 * with a record obtained earlier (that one is a proxy).
 */
const LOOKUPS = new Set<string | symbol>(['find', 'findLast', 'findIndex', 'findLastIndex', 'indexOf', 'lastIndexOf', 'includes', 'some', 'every', 'filter']);

export class Tracker {
  readonly #root: Obj;
  readonly #saved = new Map<string, SavedSlot>();
  readonly #proxies = new WeakMap<object, object>();
  readonly #targets = new WeakMap<object, object>();
  #open = true;

  constructor(root: object) {
    this.#root = root as Obj;
  }

  /** The state to hand to the change function. */
  get draft(): object {
    return this.#wrap(this.#root, []);
  }

  /** Ends tracking; proxies handed out keep reading (and writing) through, untracked. */
  close(): void {
    this.#open = false;
  }

  get dirty(): boolean {
    return this.#saved.size > 0;
  }

  /** The final value of every changed slot, in the order they were first touched (array lengths last). */
  changes(): Change[] {
    const out: Change[] = [];
    const lengths: Change[] = [];
    for (const { path } of this.#saved.values()) {
      const { parent, key } = locate(this.#root, path);
      const exists = isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key);
      const change: Change = exists ? { p: path, v: parent[key] } : { p: path, deleted: true };
      (key === 'length' && Array.isArray(parent) ? lengths : out).push(change);
    }
    return out.concat(lengths);
  }

  /** Puts every changed slot back as it was before the change, newest first. */
  rollback(): void {
    const saved = [...this.#saved.values()].reverse();
    for (const { path, existed, value } of saved) {
      const { parent, key } = locate(this.#root, path);
      if (!isObject(parent)) continue;
      if (existed) parent[key] = value;
      else delete parent[key];
    }
    this.#saved.clear();
  }

  #save(path: Path): void {
    const id = path.join('\u0000');
    if (this.#saved.has(id)) return;
    const { parent, key } = locate(this.#root, path) as { parent: Obj; key: string };
    // writing an index can grow the array: its length is saved first, so it is restored last
    if (Array.isArray(parent) && key !== 'length') this.#save([path[0], 'length']);
    const existed = Object.prototype.hasOwnProperty.call(parent, key);
    const current = parent[key];
    // a copy: the records in it may stay shared with what replaces it, and be changed later
    const value = isObject(current) ? structuredClone(current) : current;
    this.#saved.set(id, { path, existed, value });
  }

  #unwrap<T>(value: T): T {
    if (!isObject(value)) return value;
    const target = this.#targets.get(value);
    if (target) return target as T;
    // a new value may hold proxies (e.g. `{...record}` of a nested object): store raw data only
    const record = value as Obj;
    for (const key of Object.keys(record)) {
      const inner = record[key];
      if (isObject(inner)) record[key] = this.#unwrap(inner);
    }
    return value;
  }

  #wrap(target: object, path: string[]): object {
    const known = this.#proxies.get(target);
    if (known) return known;
    const proxy = new Proxy(target, this.#handler(path));
    this.#proxies.set(target, proxy);
    this.#targets.set(proxy, target);
    return proxy;
  }

  /** The slot a write at `key` under `path` changes. */
  #slotOf(path: string[], key: string): Path {
    if (path.length === 0) return [key];
    return [path[0]!, path[1] ?? key];
  }

  #handler(path: string[]): ProxyHandler<Obj> {
    const tracker = this;
    return {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (typeof key === 'symbol') return value;
        if (Array.isArray(target) && LOOKUPS.has(key) && typeof value === 'function') {
          const at = (item: unknown, index: number) => (isObject(item) ? tracker.#wrap(item, path.length < 2 ? [...path, String(index)] : path) : item);
          return (...args: unknown[]) => {
            const raw = args.map((a) => tracker.#unwrap(a));
            if (key === 'find' || key === 'findLast') {
              const i = (key === 'find' ? target.findIndex : target.findLastIndex).apply(target, raw as [never]);
              return i < 0 ? undefined : at(target[i], i);
            }
            if (key === 'filter') {
              const [predicate, thisArg] = raw as [(item: unknown, i: number, all: unknown[]) => unknown, unknown];
              const out: unknown[] = [];
              target.forEach((item: unknown, i: number, all: unknown[]) => {
                if (predicate.call(thisArg, item, i, all)) out.push(at(item, i));
              });
              return out;
            }
            return (value as (...a: unknown[]) => unknown).apply(target, raw);
          };
        }
        if (!isObject(value) || !Object.prototype.hasOwnProperty.call(target, key)) return value;
        return tracker.#wrap(value, path.length < 2 ? [...path, key] : path);
      },
      set(target, key, value) {
        if (typeof key !== 'symbol' && tracker.#open) tracker.#save(tracker.#slotOf(path, key));
        target[key] = tracker.#unwrap(value);
        return true;
      },
      deleteProperty(target, key) {
        if (typeof key !== 'symbol' && tracker.#open) tracker.#save(tracker.#slotOf(path, key));
        delete target[key];
        return true;
      },
      defineProperty(target, key, descriptor) {
        if (typeof key !== 'symbol' && tracker.#open) tracker.#save(tracker.#slotOf(path, key));
        if ('value' in descriptor) descriptor = { ...descriptor, value: tracker.#unwrap(descriptor.value) };
        return Reflect.defineProperty(target, key, descriptor);
      },
    };
  }
}

/** Applies persisted changes in order (replaying the change log over a snapshot). */
export function applyChanges(root: object, changes: Change[]): void {
  const r = root as Obj;
  for (const c of changes) {
    if (c.p.some((k) => PROTOTYPE_KEYS.has(k))) throw new Error(`change to ${c.p.join('.')} names a key that reaches a prototype`);
    const { parent, key } = locate(r, c.p);
    if (!isObject(parent)) throw new Error(`change to ${c.p.join('.')} has no parent ${c.p[0]}`);
    if ('deleted' in c) delete parent[key];
    else parent[key] = c.v;
  }
}
