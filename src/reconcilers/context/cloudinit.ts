/**
 * cloudinit contextualisation: the (already rendered) `context_template` becomes cloud-init user data.
 * As in Occopus, a template that was a YAML mapping (from `!yaml_import`) is dumped with a `#cloud-config`
 * header, and a `#cloud-config` text must parse as YAML; other user data (shell scripts, MIME) passes as is.
 * Pure: no I/O, so it is snapshot-testable.
 */
import { parseDocument, stringify } from 'yaml';
import type { ContextPayload } from '../driver.js';
import { FatalError } from '../errors.js';
import type { ContextualisationSection } from '../../spec/types.js';

export const CLOUD_CONFIG_HEADER = '#cloud-config';

export function renderCloudInitContext(section: ContextualisationSection): ContextPayload {
  const template = section.context_template;
  if (template === undefined || template === null) {
    throw new FatalError('REEF_CONTEXT_INVALID', 'cloudinit contextualisation needs a context_template');
  }
  if (typeof template === 'object' && !Array.isArray(template)) {
    return { kind: 'cloudinit', userData: `${CLOUD_CONFIG_HEADER}\n${stringify(template)}` };
  }
  if (typeof template !== 'string') {
    throw new FatalError('REEF_CONTEXT_INVALID', 'context_template must be a string or a YAML mapping');
  }
  if (template.startsWith(CLOUD_CONFIG_HEADER)) checkCloudConfig(template);
  return { kind: 'cloudinit', userData: template };
}

/** Throws REEF_CONTEXT_INVALID, with the line in the rendered text, when a #cloud-config is not a YAML mapping. */
export function checkCloudConfig(text: string): void {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const [first] = doc.errors;
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason = first.message.split('\n')[0];
    throw new FatalError('REEF_CONTEXT_INVALID', `rendered cloud-config is not valid YAML${where}: ${reason}`, { cause: first });
  }
  const value: unknown = doc.toJS();
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new FatalError('REEF_CONTEXT_INVALID', 'rendered cloud-config must be a YAML mapping (key: value lines)');
  }
}
