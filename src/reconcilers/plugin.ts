/**
 * Drivers from outside reef. A plugin is an ES module (a file, or a package name resolved from the working
 * folder) whose default export, or export named `driverPlugin`, is a DriverPlugin. Its resource schema goes
 * into the registry next to the built-ins', so descriptors using its type are validated the same way, and its
 * own error codes are declared with their classes, so exit codes, HTTP status and throttling treat them like
 * reef's. docs/plugins.md is the author's guide.
 */
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { ERROR_CLASSES, FatalError, registerErrorCodes, type CatalogueEntry } from '../errors/index.js';
import type { DriverFactory } from './driver.js';
import type { DriverModule } from './registry.js';

export interface DriverPlugin {
  /** the `type:` of resource sections this driver serves; must not be a built-in's or another plugin's */
  type: string;
  /** JSON Schema of its `resource:` section */
  resourceSchema: object;
  createDriver: DriverFactory;
  /** the plugin's own error codes (use its own prefix), declared once with their class */
  errors?: Record<string, CatalogueEntry>;
}

const TYPE = /^[a-z][a-z0-9_-]{0,39}$/;

/** A plugin named by a path (./x.js, /abs/x.mjs) or by a package name, resolved from `baseDir`. */
export async function loadDriverPlugin(spec: string, baseDir: string): Promise<DriverModule> {
  const where = `plugin "${spec}"`;
  let url: string;
  try {
    const pathLike = spec.startsWith('.') || isAbsolute(spec) || /\.[cm]?js$/.test(spec);
    url = pathLike
      ? pathToFileURL(resolve(baseDir, spec)).href
      : pathToFileURL(createRequire(resolve(baseDir, 'package.json')).resolve(spec)).href;
  } catch (e) {
    throw new FatalError('REEF_PLUGIN_NOT_FOUND', `${where}: cannot be found from ${baseDir} (${(e as Error).message.split('\n')[0]})`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new FatalError('REEF_PLUGIN_NOT_FOUND', `${where}: cannot be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  const plugin = (mod.default ?? mod.driverPlugin) as Partial<DriverPlugin> | undefined;
  return driverModuleOf(plugin, where);
}

/** Checks a plugin's shape (one-line errors naming the field) and registers its error codes. */
export function driverModuleOf(plugin: Partial<DriverPlugin> | undefined, where: string): DriverModule {
  const bad = (field: string, why: string) => new FatalError('REEF_PLUGIN_INVALID', `${where}: ${field}: ${why}`);
  if (!plugin || typeof plugin !== 'object') throw bad('default export', 'must be a driver plugin object ({ type, resourceSchema, createDriver })');
  if (typeof plugin.type !== 'string' || !TYPE.test(plugin.type)) throw bad('type', 'must be a lower-case name (letters, digits, - _)');
  if (typeof plugin.createDriver !== 'function') throw bad('createDriver', 'must be a function (deps) => Driver');
  if (!plugin.resourceSchema || typeof plugin.resourceSchema !== 'object') throw bad('resourceSchema', 'must be a JSON Schema object');
  try {
    new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(plugin.resourceSchema);
  } catch (e) {
    throw bad('resourceSchema', `is not a valid JSON Schema: ${(e as Error).message}`);
  }
  for (const [code, entry] of Object.entries(plugin.errors ?? {})) {
    if (!/^[A-Z][A-Z0-9_]+$/.test(code) || code.startsWith('REEF_')) throw bad(`errors.${code}`, 'codes are upper-case and not REEF_ (reef\'s own)');
    if (!entry || !ERROR_CLASSES.includes(entry.class) || typeof entry.summary !== 'string') {
      throw bad(`errors.${code}`, `needs class (${ERROR_CLASSES.join(', ')}) and summary`);
    }
  }
  const conflict = registerErrorCodes(plugin.errors ?? {});
  if (conflict) throw bad(`errors.${conflict}`, 'is already declared by reef or another plugin');
  const factory = plugin.createDriver;
  return { type: plugin.type, resourceSchema: plugin.resourceSchema, load: async () => factory };
}

/** Every plugin, in order; a type that is already taken is refused. */
export async function loadDriverPlugins(specs: Array<{ spec: string; baseDir: string }>, taken: string[]): Promise<DriverModule[]> {
  const out: DriverModule[] = [];
  const types = new Set(taken);
  for (const { spec, baseDir } of specs) {
    const m = await loadDriverPlugin(spec, baseDir);
    if (types.has(m.type)) throw new FatalError('REEF_PLUGIN_INVALID', `plugin "${spec}": type "${m.type}" is already served by another driver`);
    types.add(m.type);
    out.push(m);
  }
  return out;
}
