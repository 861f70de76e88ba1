/**
 * What Occopus's puppet_solo offered cloud-init templates: `puppet.modules`, `puppet.manifests` (space-separated)
 * and `puppet.attributes` (each attribute mapping as Python prints a dict, space-separated; Occopus's tutorials
 * turn that into hiera data with sed). Pure, so the compile-time probe and the real render agree.
 */
export interface PuppetTemplateStrings {
  modules: string;
  manifests: string;
  attributes: string;
}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** `repr()` of a YAML value as Python 3 prints it (strings single-quoted unless they hold a single quote). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** Python's `str(x)` for a list item: strings as they are, anything else as repr. */
const pythonStr = (v: unknown): string => (typeof v === 'string' ? v : pythonRepr(v));

export function puppetTemplateStrings(section: Record<string, unknown>): PuppetTemplateStrings {
  return {
    modules: list(section.modules).map(pythonStr).join(' '),
    manifests: list(section.manifests).map(pythonStr).join(' '),
    attributes: list(section.attributes).map(pythonStr).join(' '),
  };
}
