import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { jsonPath, scanJson } from '../json-scan.js';
import { errors, type ApiError } from './errors.js';

/**
 * The one JSON body parser of both listeners (in place of express.json). Reading, the size limit,
 * decompression and content-type matching are express.raw's (body-parser); then the bytes must be
 * UTF-8, the text is scanned once, iteratively, for nesting depth and for keys that could reach an
 * object's prototype, and only then handed to JSON.parse. Nothing recursive sees a body before the
 * scan has bounded its depth.
 */

/** Objects and arrays inside each other; no documented body comes near it. */
export const MAX_JSON_DEPTH = 64;

export interface JsonBodyOptions {
  /** like express.json's: '256kb', '10mb' */
  limit: string;
  /** called with the decoded text and its size in bytes, before it is parsed */
  seen?: (req: Request, text: string, bytes: number) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Where `bytes` stops being UTF-8 (for the message): the shortest prefix that fails, by bisection. */
function invalidUtf8At(bytes: Buffer): number {
  const fails = (end: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let low = 0;
  let high = bytes.length;
  if (!fails(high)) return bytes.length; // only a sequence cut off at the end
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (fails(mid)) high = mid;
    else low = mid;
  }
  // the sequence that broke starts at its lead byte, up to 3 bytes before
  let at = high - 1;
  for (let k = at - 1; k >= Math.max(0, at - 3) && bytes[k]! >= 0x80; k--) {
    if (bytes[k]! >= 0xc0) {
      at = k;
      break;
    }
  }
  return at;
}

function decode(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const at = invalidUtf8At(bytes);
    throw errors.notUtf8(at).withErrors([{ field: 'body', message: 'must be UTF-8' }]);
  }
}

/** Refuses (400) a body nested deeper than MAX_JSON_DEPTH or with a key that reaches a prototype. */
export function checkJsonText(text: string): void {
  const hazard = scanJson(text, MAX_JSON_DEPTH);
  if (!hazard) return;
  const where = hazard.path.length ? `body.${jsonPath(hazard.path)}` : 'body';
  if (hazard.kind === 'depth') {
    throw errors.bodyTooDeep(hazard.maxDepth, where).withErrors([{ field: 'body', message: `must not nest deeper than ${hazard.maxDepth} levels` }]);
  }
  throw errors.forbiddenKey(hazard.key, where).withErrors([{ field: jsonPath(hazard.path), message: `key "${hazard.key}" is not accepted` }]);
}

function firstNonSpace(text: string): string {
  return /\S/.exec(text)?.[0] ?? '';
}

/** The text -> the body, as express.json (strict) would, after the checks above. */
export function parseJsonBody(text: string): unknown {
  // like express.json: an empty body is {}, a body that is not an object or array is malformed
  if (text.length === 0) return {};
  const first = firstNonSpace(text);
  if (first !== '{' && first !== '[') throw malformed();
  checkJsonText(text);
  try {
    return JSON.parse(text);
  } catch {
    throw malformed();
  }
}

function malformed(): ApiError {
  return errors.malformedJson();
}

function charsetOf(req: Request): string | undefined {
  const type = req.headers['content-type'] ?? '';
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1]?.toLowerCase();
}

/** A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3), as body-parser decides. */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
}

/** The middleware: `app.use(jsonBody({ limit: '256kb' }))`. A request without a body passes straight on. */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const read = express.raw({ type: 'application/json', limit: options.limit });
  const parse = (req: Request, next: NextFunction): void => {
    if (!Buffer.isBuffer(req.body)) return next();
    const charset = charsetOf(req);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(errors.unsupportedCharset(charset));
    }
    try {
      const bytes = req.body.length;
      const text = decode(req.body);
      options.seen?.(req, text, bytes);
      req.body = parseJsonBody(text);
      next();
    } catch (e) {
      next(e);
    }
  };
  return (req, res, next) => {
    if (!hasBody(req)) return next();
    read(req, res, (err?: unknown) => (err ? next(err) : parse(req, next)));
  };
}
