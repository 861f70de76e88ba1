/**
 * What a cloud says, made safe to log, store and print: credential values and token/signature headers or query
 * parameters masked, control characters (newlines, terminal escapes) turned into spaces, and the text cut to
 * CLOUD_TEXT_MAX characters. Pure functions; the secrets to mask are passed in (see known-secrets.ts).
 */

/** The longest cloud text reef keeps (error messages, failure reasons): 2 KiB. */
export const CLOUD_TEXT_MAX = 2048;

export const MASK = '[redacted]';

/** Secrets shorter than this are not searched for: masking every "1" or "abc" would garble messages. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Headers and query/form parameters whose value is a credential or signs a request (AWS SigV2/SigV4, OpenStack
 * Keystone tokens, HTTP auth, cookies). Matched case-insensitively as `name: value`, `name=value` or `"name": "value"`.
 */
const SECRET_FIELDS = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
  'x-auth-token', 'x-subject-token', 'x-service-token', 'x-storage-token',
  'x-amz-security-token', 'x-amz-signature', 'x-amz-credential',
  'signature', 'securitytoken', 'awsaccesskeyid', 'aws_session_token', 'session_token', 'sessiontoken',
  'access_token', 'auth_token', 'id_token', 'refresh_token', 'client_secret', 'secret', 'password', 'passwd',
  'application_credential_secret',
];

const FIELD_NAMES = SECRET_FIELDS.map((f) => f.replace(/[-_]/g, '[-_]?')).join('|');
// name, then `:` or `=` (optionally quoted as in JSON), then the value up to a quote, newline, `&`, `<` or a JSON escape
const FIELD_RE = new RegExp(`(^|[^a-z0-9-])(${FIELD_NAMES})(["']?\\s*[:=]\\s*["']?)([^"'\\r\\n&<\\\\]+)`, 'gi');
// XML elements that carry the same (`<Signature>…</Signature>`, `<SessionToken>…`)
const XML_RE = new RegExp(`<(${FIELD_NAMES}|sessiontoken|secretaccesskey)>([^<]*)</`, 'gi');
const BEARER_RE = /\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}/gi;
// a PEM block (private keys)
const PEM_RE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]+/g;

/** Masks `secrets` (exact values) and every token/signature field in `text`; keeps the length as it comes. */
export function maskSecrets(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const values = [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const s of values) {
    if (out.includes(s)) out = out.split(s).join(MASK);
    // the same value inside a JSON string (a log line): quotes and backslashes escaped
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(MASK);
  }
  return out
    .replace(PEM_RE, MASK)
    .replace(FIELD_RE, (_m, pre: string, name: string, sep: string) => `${pre}${name}${sep}${MASK}`)
    .replace(XML_RE, (_m, name: string) => `<${name}>${MASK}</`)
    .replace(BEARER_RE, (_m, scheme: string) => `${scheme} ${MASK}`);
}

/** A cloud's text as reef keeps it: masked, on one line, at most `max` characters. */
export function scrubCloudText(text: string, secrets: Iterable<string> = [], max = CLOUD_TEXT_MAX): string {
  const one = maskSecrets(text, secrets).replace(CONTROL_RE, ' ').trim();
  if (one.length <= max) return one;
  const cut = `… [${one.length - max} more characters cut]`;
  return one.slice(0, Math.max(0, max - cut.length)) + cut;
}

/** Keys of auth_data whose values are not secret (names, places): everything else in auth_data is masked. */
const NOT_SECRET_KEYS = new Set([
  'type', 'name', 'region', 'endpoint', 'auth_url', 'url', 'interface', 'user', 'username', 'user_name', 'user_id',
  'user_domain_name', 'user_domain_id', 'project_name', 'project_id', 'tenant_name', 'tenant_id', 'domain_name',
  'domain_id', 'project_domain_name', 'project_domain_id', 'identity_api_version', 'region_name',
  'application_credential_name',
]);

/** The secret string values of an auth entry's auth_data (nested too); multi-line values also line by line. */
export function secretValuesOf(authData: unknown, depth = 0): string[] {
  if (depth > 8 || authData === null || typeof authData !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(authData as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null) out.push(...secretValuesOf(value, depth + 1));
    else if ((typeof value === 'string' || typeof value === 'number') && !NOT_SECRET_KEYS.has(key.toLowerCase())) {
      const s = String(value);
      out.push(s);
      // a private key: its lines may be quoted alone
      if (s.includes('\n')) out.push(...s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 16));
    }
  }
  return out.filter((s) => s.length >= MIN_SECRET_LENGTH);
}
