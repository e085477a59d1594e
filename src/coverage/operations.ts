import { compileTemplate } from '../http/routes.js';
import { specDocument } from '../http/spec-document.js';
import { platformSpecPath } from '../paths.js';

export interface Operation {
  operationId: string;
  method: string;
  /** the spec's path template, `/v2/cards/{cardId}` */
  path: string;
  deprecated: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let operations: Operation[] | undefined;

/** Every operation of openapi/platform.yaml, in the spec's order, read once per process. */
export function platformOperations(): Operation[] {
  if (!operations) {
    const doc = specDocument(platformSpecPath) as { paths: Record<string, Record<string, { operationId?: string; deprecated?: boolean }>> };
    operations = Object.entries(doc.paths).flatMap(([template, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ operationId: item[m]!.operationId ?? `${m.toUpperCase()} ${template}`, method: m.toUpperCase(), path: template, deprecated: item[m]!.deprecated === true })),
    );
  }
  return operations;
}

const MAX_REMEMBERED_PATHS = 2048;

/** Finds the operation of a concrete request path; literal segments win over parameters (`/v2/cards/transactions`). */
export class OperationMatcher {
  readonly #byMethod = new Map<string, { op: Operation; re: RegExp; literals: number }[]>();
  readonly #seen = new Map<string, Operation | null>();

  constructor(ops: readonly Operation[]) {
    for (const op of ops) {
      const list = this.#byMethod.get(op.method) ?? [];
      list.push({ op, re: compileTemplate(op.path), literals: op.path.split('/').filter((s) => s && !s.startsWith('{')).length });
      this.#byMethod.set(op.method, list);
    }
    for (const list of this.#byMethod.values()) list.sort((a, b) => b.literals - a.literals);
  }

  match(method: string, path: string): Operation | null {
    const key = `${method} ${path}`;
    let found = this.#seen.get(key);
    if (found === undefined) {
      found = this.#byMethod.get(method)?.find((c) => c.re.test(path))?.op ?? null;
      if (this.#seen.size >= MAX_REMEMBERED_PATHS) this.#seen.clear();
      this.#seen.set(key, found);
    }
    return found;
  }
}
