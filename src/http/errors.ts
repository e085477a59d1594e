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
}

/** Messages tell the caller how to fix the request. Tests assert them. */
export const messages = {
  ipNotAuthorized: 'No authorized IPs configured',
  invalidApiKey:
    'Invalid or missing API key: send the X-API-Key issued for the same program and environment as your client certificate',
  internal: 'Internal server error: the request could not be completed. Retry with backoff; if it persists, report the X-Request-Id.',
  malformedJson: 'The request body is not valid JSON. Send a JSON object with Content-Type: application/json.',
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

export const notFound = (what: string, id: number | string): ApiError => new ApiError(404, messages.notFound(what, id));
