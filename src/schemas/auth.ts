/** The auth file (`resource:` / `config_management:` credential entries), checked with positions. */
import type { AuthFile } from '../spec/types.js';
import { throwIfAny } from './diagnostics.js';
import { authSchema } from './auth.schema.js';
import { loadYamlFile } from './load.js';
import { validateAt } from './validate.js';
import { rememberAuthFile } from '../util/known-secrets.js';

/** Reads and checks an auth file; throws SpecError. A missing section is an empty list. */
export function loadAuthFile(file: string): AuthFile {
  const doc = loadYamlFile(file);
  throwIfAny(doc.diagnostics);
  const value = doc.value ?? {};
  throwIfAny(validateAt(authSchema, value, doc));
  const raw = value as Partial<Record<keyof AuthFile, AuthFile['resource'] | null>>;
  const auth = { resource: raw.resource ?? [], config_management: raw.config_management ?? [] };
  rememberAuthFile(auth); // log lines mask these values from now on
  return auth;
}
