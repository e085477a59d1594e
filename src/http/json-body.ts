import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ApiError, messages } from './errors.js';

/**
 * The one JSON body parser of both listeners (in place of express.json). Reading, the size limit,
 * decompression and content-type matching are express.raw's (body-parser); then the bytes must be
 * UTF-8, the text is scanned once, iteratively, for nesting depth and for keys that could reach an
 * object's prototype, and only then handed to JSON.parse. Nothing recursive sees a body before the
 * scan has bounded its depth.
 */

/** Objects and arrays inside each other; no documented body comes near it. */
export const MAX_JSON_DEPTH = 64;

/** Keys that reach an object's prototype through assignment, spreading or merging. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonBodyOptions {
  /** like express.json's: '256kb', '10mb' */
  limit: string;
  /** called with the raw bytes, like express.json's verify */
  verify?: (req: Request, res: Response, buf: Buffer, encoding: string) => void;
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
    throw new ApiError(400, `The request body is not valid UTF-8 (at byte ${at}). Send the JSON encoded as UTF-8.`, [
      { field: 'body', message: 'must be UTF-8' },
    ]);
  }
}

function where(path: (string | number)[]): string {
  return path.length ? `body.${path.join('.')}` : 'body';
}

/**
 * One pass over the text, no recursion: refuses nesting deeper than `maxDepth` and the keys of
 * PROTOTYPE_KEYS (also when spelled with escapes). Syntax is left to JSON.parse.
 */
export function checkJsonText(text: string, maxDepth = MAX_JSON_DEPTH): void {
  // per open container: is it an object, the current key or index (for the message)
  const isObject: boolean[] = [];
  const path: (string | number)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (!expectKey) continue;
      expectKey = false;
      const raw = text.slice(start, i);
      let key = raw;
      if (escaped) {
        try {
          key = JSON.parse(`"${raw}"`) as string;
        } catch {
          continue; // JSON.parse reports the syntax error
        }
      }
      path[path.length - 1] = key;
      if (PROTOTYPE_KEYS.has(key)) {
        throw new ApiError(400, `The request body has the key "${key}" at ${where(path)}: the keys __proto__, constructor and prototype are not accepted anywhere in a body. Remove or rename it.`, [
          { field: where(path).replace(/^body\.?/, '') || 'body', message: `key "${key}" is not accepted` },
        ]);
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (isObject.length >= maxDepth) {
        throw new ApiError(400, `The request body nests objects and arrays deeper than ${maxDepth} levels (at ${where(path)}). Send a flatter body.`, [
          { field: 'body', message: `must not nest deeper than ${maxDepth} levels` },
        ]);
      }
      isObject.push(c === 0x7b);
      path.push(c === 0x7b ? '' : 0);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      isObject.pop();
      path.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = isObject.length - 1;
      if (top >= 0 && isObject[top]) expectKey = true;
      else if (top >= 0) path[top] = (path[top] as number) + 1;
    }
  }
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
  return new ApiError(400, messages.malformedJson);
}

function charsetOf(req: Request): string | undefined {
  const type = req.headers['content-type'] ?? '';
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1]?.toLowerCase();
}

/** The middleware: `app.use(jsonBody({ limit: '256kb' }))`. */
export function jsonBody(options: JsonBodyOptions): RequestHandler[] {
  const read = express.raw({ type: 'application/json', limit: options.limit, ...(options.verify ? { verify: options.verify } : {}) });
  const parse = (req: Request, _res: Response, next: NextFunction): void => {
    if (!Buffer.isBuffer(req.body)) return next();
    const charset = charsetOf(req);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(new ApiError(415, `Unsupported charset "${charset}": send the JSON body as UTF-8 (Content-Type: application/json or application/json; charset=utf-8).`));
    }
    try {
      req.body = parseJsonBody(decode(req.body));
      next();
    } catch (e) {
      next(e);
    }
  };
  return [read, parse];
}
