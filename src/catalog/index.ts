/** The catalog: ready-made infrastructures a user deploys by name, with a few values filled in. */
export { Catalog, loadCatalog, loadEntry, builtinCatalogDir, ENTRY_FILE } from './load.js';
export { entryView, type CatalogEntry, type CatalogEntryView, type CatalogVariable } from './entry.js';
export { parseSetArgs, resolveInputs, checkValue } from './inputs.js';
export { compileEntry } from './compile.js';
export { deployEntry, type DeployDeps, type DeployRequest, type DeployResult } from './deploy.js';
export { localTargets, authTargets, type DeployTarget } from './targets.js';
