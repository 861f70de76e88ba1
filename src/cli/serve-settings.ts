/**
 * What `reef serve` lets a client's descriptors reach on the server: `--allow-files DIR` and `--allow-origin PREFIX`
 * (repeatable), plus the `serve:` section of a `--config FILE` (paths relative to that file's folder):
 *
 *     serve:
 *       allow_files: [./images, /srv/reef/playbooks]
 *       allow_origin: [https://images.example.org/reef/]
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { UsageError } from './exit.js';
import { normaliseUrl } from '../util/host-access.js';

export interface ServeAccessSettings {
  allowFiles: string[];
  allowOrigin: string[];
}

function list(doc: Record<string, unknown>, key: string, file: string): string[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new UsageError(`${file}: serve.${key}: must be a list of strings`);
  return v as string[];
}

function fromConfig(config: string, cwd: string): ServeAccessSettings {
  const file = resolve(cwd, config);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${config}: cannot be read as YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const serve = (doc as { serve?: unknown } | null)?.serve;
  if (serve === undefined || serve === null) return { allowFiles: [], allowOrigin: [] };
  if (typeof serve !== 'object' || Array.isArray(serve)) throw new UsageError(`${config}: serve: must be a mapping (allow_files, allow_origin)`);
  const unknown = Object.keys(serve).filter((k) => k !== 'allow_files' && k !== 'allow_origin');
  if (unknown.length) throw new UsageError(`${config}: serve.${unknown[0]}: unknown key (known: allow_files, allow_origin)`);
  const s = serve as Record<string, unknown>;
  return { allowFiles: list(s, 'allow_files', config).map((d) => resolve(dirname(file), d)), allowOrigin: list(s, 'allow_origin', config) };
}

/** The flags' and the config file's settings together, checked: directories must exist, prefixes must be URLs. */
export function serveAccessSettings(flags: Partial<ServeAccessSettings>, config?: string, cwd = process.cwd()): ServeAccessSettings {
  const fromFile = config ? fromConfig(config, cwd) : { allowFiles: [], allowOrigin: [] };
  const allowFiles = [...(flags.allowFiles ?? []).map((d) => resolve(cwd, d)), ...fromFile.allowFiles];
  const allowOrigin = [...(flags.allowOrigin ?? []), ...fromFile.allowOrigin];
  for (const d of allowFiles) {
    let dir = false;
    try {
      dir = statSync(d).isDirectory();
    } catch {
      // reported below
    }
    if (!dir) throw new UsageError(`--allow-files ${d}: not a directory`);
  }
  for (const p of allowOrigin) {
    if (normaliseUrl(p) === undefined) throw new UsageError(`--allow-origin ${JSON.stringify(p)}: not a URL (e.g. https://images.example.org/reef/)`);
  }
  return { allowFiles, allowOrigin };
}
