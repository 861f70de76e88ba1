/**
 * Which driver plugins to load: `--plugin PKG|FILE` (repeatable, relative to the working folder) and the
 * `plugins:` list of a `--config FILE` (relative to that file's folder).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FatalError } from '../errors/index.js';
import { BUILTIN_DRIVERS } from '../reconcilers/builtin.js';
import type { DriverModule } from '../reconcilers/registry.js';

export interface PluginOptions {
  plugin?: string[];
  config?: string;
}

export async function pluginSpecs(opts: PluginOptions, cwd = process.cwd()): Promise<Array<{ spec: string; baseDir: string }>> {
  const out = (opts.plugin ?? []).map((spec) => ({ spec, baseDir: cwd }));
  if (!opts.config) return out;
  const file = resolve(cwd, opts.config);
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FatalError('REEF_PLUGIN_INVALID', `${opts.config}: cannot be read as YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const plugins = (doc as { plugins?: unknown } | null)?.plugins;
  if (plugins === undefined) return out;
  if (!Array.isArray(plugins)) throw new FatalError('REEF_PLUGIN_INVALID', `${opts.config}: plugins: must be a list of package names or files`);
  plugins.forEach((p, i) => {
    if (typeof p !== 'string' || !p) throw new FatalError('REEF_PLUGIN_INVALID', `${opts.config}: plugins[${i}]: must be a package name or a file path`);
    out.push({ spec: p, baseDir: dirname(file) });
  });
  return out;
}

/** The plugins' driver modules; without --plugin/--config nothing is loaded (neither yaml nor ajv). */
export async function loadPlugins(opts: PluginOptions): Promise<DriverModule[]> {
  const specs = await pluginSpecs(opts);
  if (specs.length === 0) return [];
  const { loadDriverPlugins } = await import('../reconcilers/plugin.js');
  return loadDriverPlugins(specs, BUILTIN_DRIVERS.map((m) => m.type));
}
