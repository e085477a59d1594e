import { specDocument } from '../http/spec-document.js';
import { platformSpecPath } from '../paths.js';

export interface Operation {
  operationId: string;
  pathTemplate: string;
}

interface Route {
  /** shared by every journal entry of the operation */
  operation: Readonly<Operation>;
  regexp: RegExp;
  /** literal segments count: `/v2/cards/search` wins over `/v2/cards/{cardId}` */
  literals: number;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function compile(spec: { paths?: Record<string, Record<string, { operationId?: string }>> }): Map<string, Route[]> {
  const byMethod = new Map<string, Route[]>();
  for (const [template, item] of Object.entries(spec.paths ?? {})) {
    const source = template
      .split('/')
      .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
    for (const method of METHODS) {
      const operationId = item[method]?.operationId;
      if (!operationId) continue;
      const routes = byMethod.get(method.toUpperCase()) ?? [];
      routes.push({ operation: Object.freeze({ operationId, pathTemplate: template }), regexp: new RegExp(`^${source}/?$`), literals });
      byMethod.set(method.toUpperCase(), routes);
    }
  }
  for (const routes of byMethod.values()) routes.sort((a, b) => b.literals - a.literals);
  return byMethod;
}

let routes: Map<string, Route[]> | undefined;

/** The platform operation a method and path name (spec template and operationId), or null. The spec is read on first use. */
export function operationOf(method: string | null, path: string | null): Operation | null {
  if (!method || !path) return null;
  routes ??= compile(specDocument(platformSpecPath) as Parameters<typeof compile>[0]);
  const candidates = routes.get(method === 'HEAD' ? 'GET' : method) ?? [];
  const route = candidates.find((r) => r.regexp.test(path));
  return route ? route.operation : null;
}
