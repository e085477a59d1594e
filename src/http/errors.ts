/** The one error type every layer throws; the error handler is the only place that writes its body. */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(status: number, message: string, errors?: FieldError[], headers?: Record<string, string>) {
    super(message);
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }

  /** The same error naming the fields at fault (errors[] of the body). */
  withErrors(errors: FieldError[]): ApiError {
    return new ApiError(this.status, this.message, errors, this.headers);
  }

  /** The same error with headers on its answer (Retry-After, Allow). */
  withHeaders(headers: Record<string, string>): ApiError {
    return new ApiError(this.status, this.message, this.errors, { ...this.headers, ...headers });
  }
}

/** A status paired with its message: calling it makes the ApiError to throw. */
export interface ErrorTemplate<A extends unknown[] = []> {
  (...args: A): ApiError;
  readonly status: number;
}

export function errorTemplate<A extends unknown[] = []>(status: number, message: string | ((...args: A) => string)): ErrorTemplate<A> {
  const make = (...args: A) => new ApiError(status, typeof message === 'string' ? message : message(...args));
  return Object.assign(make, { status });
}

/** Messages tell the caller how to fix the request. Tests assert them. */
export const messages = {
  ipNotAuthorized: 'No authorized IPs configured',
  invalidApiKey:
    'Invalid or missing API key: send the X-API-Key issued for the same program and environment as your client certificate',
  internal: 'Internal server error: the request could not be completed. Retry with backoff; if it persists, report the X-Request-Id.',
  malformedJson: 'The request body is not valid JSON. Send a JSON object with Content-Type: application/json.',
  notUtf8: (at: number) => `The request body is not valid UTF-8 (at byte ${at}). Send the JSON encoded as UTF-8.`,
  bodyTooDeep: (maxDepth: number, where: string) => `The request body nests objects and arrays deeper than ${maxDepth} levels (at ${where}). Send a flatter body.`,
  forbiddenKey: (key: string, where: string) =>
    `The request body has the key "${key}" at ${where}: the keys __proto__, constructor and prototype are not accepted anywhere in a body. Remove or rename it.`,
  unsupportedCharset: (charset: string) =>
    `Unsupported charset "${charset}": send the JSON body as UTF-8 (Content-Type: application/json or application/json; charset=utf-8).`,
  infiniteQueryNumber: (fields: string) => `The query has a number that is not finite (${fields}): write numbers in digits within the documented range.`,
  bodyTooLarge: 'The request body is too large.',
  validation: 'The request does not match the API schema: see errors[] and the Reference schema for this endpoint.',
  constraint: 'The request is well-formed but breaks field constraints: see errors[] (length, pattern, enum, range).',
  unknownRoute: (method: string, path: string) => `No such endpoint: ${method} ${path}. Paths live under /v2; see openapi/platform.yaml.`,
  methodNotAllowed: (method: string, path: string) => `${method} is not allowed on ${path}.`,
  unsupportedMediaType: 'Unsupported Content-Type: send the body as application/json.',
  notFound: (what: string, id: number | string) => `${what} ${id} not found for this program. Check the id, the program of your credentials and the environment.`,
  stagingOnly: 'Not found: /v2/staging/* simulation endpoints exist only in the staging environment.',
  controlUnauthorized: 'The control plane requires Authorization: Bearer <CONTROL_TOKEN>.',
  tooManyRequests: 'Too many requests: the rate limit of this API key is exceeded. Wait the Retry-After seconds, then retry.',
  badGateway: 'Bad gateway: an upstream dependency (KYC provider, card network or bank) failed. Retry with backoff.',
  unavailable: 'Service temporarily unavailable. Retry after the Retry-After seconds (or with backoff).',
  gatewayTimeout: 'Gateway timeout: an upstream dependency did not answer in time. Check whether the operation happened before retrying a write.',
} as const;

/** The HTTP layer's errors, each status with its message; raised as `throw errors.notFound('Card', id)`. */
export const errors = {
  ipNotAuthorized: errorTemplate(403, messages.ipNotAuthorized),
  invalidApiKey: errorTemplate(401, messages.invalidApiKey),
  internal: errorTemplate(500, messages.internal),
  malformedJson: errorTemplate(400, messages.malformedJson),
  notUtf8: errorTemplate(400, messages.notUtf8),
  bodyTooDeep: errorTemplate(400, messages.bodyTooDeep),
  forbiddenKey: errorTemplate(400, messages.forbiddenKey),
  unsupportedCharset: errorTemplate(415, messages.unsupportedCharset),
  infiniteQueryNumber: errorTemplate(400, messages.infiniteQueryNumber),
  bodyTooLarge: errorTemplate(413, messages.bodyTooLarge),
  validation: errorTemplate(400, messages.validation),
  constraint: errorTemplate(422, messages.constraint),
  unknownRoute: errorTemplate(404, messages.unknownRoute),
  methodNotAllowed: errorTemplate(405, messages.methodNotAllowed),
  unsupportedMediaType: errorTemplate(415, messages.unsupportedMediaType),
  notFound: errorTemplate(404, messages.notFound),
  stagingOnly: errorTemplate(404, messages.stagingOnly),
  controlUnauthorized: errorTemplate(401, messages.controlUnauthorized),
  tooManyRequests: errorTemplate(429, messages.tooManyRequests),
  badGateway: errorTemplate(502, messages.badGateway),
  unavailable: errorTemplate(503, messages.unavailable),
  gatewayTimeout: errorTemplate(504, messages.gatewayTimeout),
} as const;

export const notFound = errors.notFound;
