/** What the rest of reef uses of schemas/: read descriptors into a validated spec, node definitions, auth files. */
export { compileInfra, type CompileOptions } from './compile.js';
export { loadNodeDefs } from './node-defs.js';
export { loadAuthFile } from './auth.js';
export { SpecError, formatDiagnostic, displayPath, type Diagnostic } from './diagnostics.js';
export { loadYamlFile, loadYamlText, type LoadedDocument } from './load.js';
export {
  makeTemplateScope,
  renderDeep,
  renderTemplate,
  isTemplate,
  TemplateError,
  type TemplateScope,
  type TemplateScopeInput,
} from './template.js';
