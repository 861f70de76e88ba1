/** Contextualisation type → pure renderer of the payload a driver passes to the instance. */
import type { ContextPayload } from '../driver.js';
import type { ContextualisationSection } from '../../spec/types.js';
import { FatalError } from '../errors.js';
import { renderDockerContext } from './docker.js';
import { renderCloudInitContext } from './cloudinit.js';

export function renderContextPayload(section: ContextualisationSection | undefined): ContextPayload {
  if (!section || section.type === 'none') return { kind: 'none' };
  switch (section.type) {
    case 'docker':
      return renderDockerContext(section);
    case 'cloudinit':
      return renderCloudInitContext(section);
    default:
      throw new FatalError('REEF_CONTEXT_UNKNOWN', `unknown contextualisation type "${section.type}"`);
  }
}
