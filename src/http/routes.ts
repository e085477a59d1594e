import { platformSpecPath } from '../paths.js';
import { specDocument } from './spec-document.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The template with parameter names erased (`/v2/cards/{}/balance`), to compare templates. */
export function shapeOf(template: string): string {
  return template.replace(/\{[^}/]*\}/g, '{}');
}

/** `/v2/cards/{cardId}/balance` -> /^\/v2\/cards\/[^/]+\/balance$/ */
export function compileTemplate(template: string): RegExp {
  const source = template
    .split(/(\{[^}/]*\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : escape(part)))
    .join('');
  return new RegExp(`^${source}$`);
}

let platformShapes: Set<string> | undefined;

/** The shapes of every path template of openapi/platform.yaml, read once. */
export function specShapes(): Set<string> {
  if (!platformShapes) {
    const doc = specDocument(platformSpecPath);
    platformShapes = new Set(Object.keys(doc.paths).map(shapeOf));
  }
  return platformShapes;
}
