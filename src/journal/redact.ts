/** What replaces a secret in the journal (and in its HAR export). */
export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Body fields that hold a PAN, CVV, PIN, API key or private key, compared lower-case. */
const SECRET_FIELDS = new Set([
  'cardnumber',
  'pan',
  'cvv',
  'cvv2',
  'cvc',
  'pin',
  'newpin',
  'oldpin',
  'apikey',
  'keypem',
  'privatekey',
  'password',
  'p12',
  'pfx',
]);

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const DIGIT_RUN = /(?<!\d)\d{13,19}(?!\d)/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** For text that is not JSON (or cut off): private key blocks, and digit runs that look like a PAN (Luhn-valid, 13-19 digits). */
export function redactText(text: string): string {
  return text.replace(PEM_PRIVATE_KEY, REDACTED).replace(DIGIT_RUN, (run) => (luhn(run) ? REDACTED : run));
}

export function redactHeader(name: string, value: string): string {
  return SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase());
}
