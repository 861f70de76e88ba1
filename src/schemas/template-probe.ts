/**
 * Renders every template of a node's implementations once, at compile time, with a probe scope (every known
 * node has address 0.0.0.0), so an unknown variable or node is reported with its position before anything is
 * deployed. `ip` exists only for health checks (the instance has no address while its contextualisation and
 * resource section are rendered).
 */
import type { InfraSpec, NodeSpec } from '../spec/types.js';
import { formatPath, type Diagnostic, type JsonPath } from './diagnostics.js';
import { forEachString, TEMPLATE_SECTIONS, type ImplementationOrigin } from './node-defs.js';
import { TemplateError, isTemplate, makeTemplateScope, renderTemplate, type TemplateScope } from './template.js';
import type { SourcePos } from './source-map.js';
import { withConfigStrings } from '../reconcilers/config/template-scope.js';

export const PROBE_ADDRESS = '0.0.0.0';

/** `fallback` is where to point when the implementation has no source file (node defs from the store). */
export function probeTemplates(
  spec: Pick<InfraSpec, 'id' | 'name' | 'nodes' | 'userId'>,
  node: NodeSpec,
  origins: Array<ImplementationOrigin | { raw: Record<string, unknown>; doc?: undefined; path: JsonPath }>,
  fallback: SourcePos,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fullSpec = { ...spec, variables: {}, strategy: 'serial', source: {} } as InfraSpec;
  const addressesOf = (): Array<{ ip: string; privateIp: string }> => [{ ip: PROBE_ADDRESS, privateIp: PROBE_ADDRESS }];
  const contextScope = makeTemplateScope({ spec: fullSpec, node, instanceId: `${node.name}-probe`, addressesOf });
  const checkScope = makeTemplateScope({ spec: fullSpec, node, instanceId: `${node.name}-probe`, ip: PROBE_ADDRESS, addressesOf });
  for (const origin of origins) {
    for (const section of TEMPLATE_SECTIONS) {
      const scope = section === 'health_check' ? checkScope : configScope(contextScope, origin.raw);
      forEachString(origin.raw[section], [...origin.path, section], (text, path) => {
        if (!isTemplate(text)) return;
        try {
          renderTemplate(text, scope);
        } catch (e) {
          if (!(e instanceof TemplateError) || e.syntax) return; // syntax: reported once by node-defs
          const where = origin.doc === undefined
            ? fallback
            : e.templateLine === undefined ? origin.doc.locate(path) : origin.doc.locateInText(path, e.templateLine, e.templateCol ?? 1);
          const hint = e.message === 'unknown variable "ip"' ? ' (ip exists only in health_check)' : '';
          out.push({ ...where, message: `for node "${node.name}": ${e.message}${hint}`, path: formatPath(path) });
        }
      });
    }
  }
  return out;
}

/** The puppet strings when config_management renders; its own errors are reported where it is probed. */
function configScope(scope: TemplateScope, raw: Record<string, unknown>): TemplateScope {
  try {
    return withConfigStrings(scope, raw);
  } catch (e) {
    if (e instanceof TemplateError) return scope;
    throw e;
  }
}

