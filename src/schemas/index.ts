/** What the rest of reef uses of schemas/: read descriptors into a validated spec, node definitions, auth files. */
export { compileInfra, type CompileOptions } from './compile.js';
export { loadNodeDefs } from './node-defs.js';
export { loadAuthFile } from './auth.js';
export { SpecError, formatDiagnostic, type Diagnostic } from './diagnostics.js';
export { makeTemplateScope, renderDeep, type TemplateScope } from './template.js';
