import type { TemplateScope } from '../../schemas/template.js';
import { renderDeep } from '../../schemas/template.js';
import { puppetTemplateStrings, type PuppetTemplateStrings } from './puppet-template.js';

/**
 * The scope for an implementation's resource and contextualisation templates: with a puppet_solo section,
 * Occopus's `puppet.modules|manifests|attributes` strings too, built from the section rendered in `scope`.
 */
export function withConfigStrings(scope: TemplateScope, implementation: { config_management?: unknown }): TemplateScope {
  const section = implementation.config_management;
  if (section === null || typeof section !== 'object' || (section as { type?: unknown }).type !== 'puppet_solo') return scope;
  const puppet: PuppetTemplateStrings = puppetTemplateStrings(renderDeep(section as Record<string, unknown>, scope));
  return Object.assign(Object.create(null), scope, { puppet }) as TemplateScope;
}
