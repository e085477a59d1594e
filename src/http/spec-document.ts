import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// loaded only when a document is parsed here: a started mock gets its document from the validator
const requireYaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

/** The paths of a spec document, as far as the mock's lookups read them. */
export interface SpecDocument {
  paths: Record<string, Record<string, { operationId?: string; deprecated?: boolean } | unknown>>;
}

const documents = new Map<string, SpecDocument>();

/**
 * A spec file's document, parsed once per process. The validator hands over the document it loaded
 * (`rememberSpecDocument`), so a started mock never parses the YAML a second time.
 */
export function specDocument(file: string): SpecDocument {
  let doc = documents.get(file);
  if (!doc) {
    doc = requireYaml().parse(readFileSync(file, 'utf8')) as SpecDocument;
    documents.set(file, doc);
  }
  return doc;
}

export function rememberSpecDocument(file: string, doc: SpecDocument): void {
  if (!documents.has(file)) documents.set(file, doc);
}
