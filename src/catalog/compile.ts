/**
 * An entry + a cloud + a user's values → a compiled spec and the node counts to start with. The values are
 * written into the description's `variables:` (so templates see them exactly as if the user had edited the
 * file), then the description is compiled as `reef apply` would. Reads files; changes nothing.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { compileInfra, SpecError, type Diagnostic } from '../schemas/index.js';
import type { InfraSpec } from '../spec/types.js';
import type { CatalogEntry } from './entry.js';
import { resolveInputs, type ResolvedInputs } from './inputs.js';

export interface CompileEntryOptions {
  resourceSchemas: Record<string, object>;
  /** names the input in diagnostics: `<command line>`, `<request body>` or the entry file */
  where: string;
  id?: string;
}

export interface CompiledEntry {
  spec: InfraSpec;
  scales: ResolvedInputs['scales'];
  variables: ResolvedInputs['variables'];
}

export function compileEntry(entry: CatalogEntry, cloud: string, given: Record<string, unknown>, opts: CompileEntryOptions): CompiledEntry {
  const problems: Diagnostic[] = [];
  const target = entry.clouds[cloud];
  if (!target) {
    problems.push({ file: opts.where, line: 0, col: 0, message: `${entry.name} cannot be deployed on "${cloud}" (clouds: ${Object.keys(entry.clouds).join(', ')})`, path: 'cloud' });
  }
  const { inputs, problems: bad } = resolveInputs(entry, given, opts.where);
  problems.push(...bad);
  if (problems.length > 0) throw new SpecError(problems);

  const doc = parseDocument(readFileSync(entry.infraFile, 'utf8'), { version: '1.1', keepSourceTokens: false });
  for (const [key, value] of Object.entries(inputs.variables)) doc.setIn(['variables', key], value);
  const spec = compileInfra({
    infraFile: entry.infraFile,
    infraText: doc.toString({ lineWidth: 0 }),
    nodesFile: target!.nodesFile,
    id: opts.id,
    resourceSchemas: opts.resourceSchemas,
  });
  for (const [node, count] of Object.entries(inputs.scales)) {
    const n = spec.nodes.find((x) => x.name === node);
    const key = Object.entries(entry.variables).find(([, v]) => v.scales === node)![0];
    if (!n) problems.push({ file: entry.file, line: 0, col: 0, message: `variable ${key} scales node "${node}", which ${entry.name} does not have`, path: `variables.${key}.scales` });
    else if (count < n.min || count > n.max) problems.push({ file: opts.where, line: 0, col: 0, message: `${entry.name}: ${key} must be between ${n.min} and ${n.max} (node ${node}'s scaling), got ${count}`, path: `variables.${key}` });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return { spec, scales: inputs.scales, variables: inputs.variables };
}
