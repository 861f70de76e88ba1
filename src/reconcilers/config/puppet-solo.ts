import type { CallContext } from '../driver.js';
import { FatalError } from '../errors.js';
import { describeTarget } from '../ssh/connect.js';
import { sshExec } from '../ssh/exec.js';
import { sshUpload, type UploadFile } from '../ssh/upload.js';
import { configFailed, outputRecorder, shQuote } from './output.js';
import type { ConfigManager, ConfigureRequest } from './types.js';

export type PuppetManifest = string | { name?: string; content: string } | { url: string };

export type PuppetSoloConfig = {
  type: 'puppet_solo';
  /** Occopus sections may carry one; unused. */
  endpoint?: string;
  /** inline manifest text (use !text_import for a file), a URL or {url} fetched by the machine (Occopus's form), or {name, content}. */
  manifests: PuppetManifest[] | string;
  /** Puppet Forge modules (`puppetlabs-apache`), installed on the machine when missing. */
  modules?: string[] | string;
  /** facts for the manifests (`$facts['name']`, non-strings as JSON) and hiera data (`hiera('name')`, Occopus's way);
   * a mapping, or Occopus's list of one-key mappings. */
  attributes?: Record<string, unknown> | Array<Record<string, unknown>>;
  /** where manifests are kept on the machine; default /var/lib/reef/puppet. */
  workdir?: string;
};

const HIERA_CONFIG = `version: 5
defaults: { datadir: data, data_hash: json_data }
hierarchy: [ { name: reef attributes, path: common.json } ]
`;

export interface PuppetPlan {
  dir: string;
  prepare: string;
  files: UploadFile[];
  /** hiera.yaml and the attributes as hiera data */
  hiera: UploadFile[];
  fetch: string[];
  apply: string;
}

const factName = (k: string) => k.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** A manifest written as one line `http(s)://…` is a URL to fetch, as in Occopus (an inline manifest never is one). */
const isUrl = (s: string) => /^(https?|ftp):\/\/\S+$/.test(s.trim());

/** Occopus's `- key: value` list and reef's mapping, as one mapping (later keys win). */
export function puppetAttributes(attributes: PuppetSoloConfig['attributes']): Record<string, unknown> {
  if (attributes === undefined) return {};
  return Array.isArray(attributes) ? Object.assign({}, ...attributes) : attributes;
}

/** Pure: what puppet_solo does on the machine, in order. Separate so it can be read and tested without a machine. */
export function planPuppetSolo(config: PuppetSoloConfig, instanceId: string, node: string): PuppetPlan {
  const dir = `${config.workdir ?? '/var/lib/reef/puppet'}/${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  const manifests = `${dir}/manifests`;
  const files: UploadFile[] = [];
  const fetch: string[] = [];
  const list = <T>(v: T[] | T | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  list(config.manifests).forEach((m, i) => {
    const prefix = String(i + 1).padStart(2, '0');
    if (typeof m === 'string' && isUrl(m)) m = { url: m.trim() };
    if (typeof m === 'string') return files.push({ path: `${manifests}/${prefix}-manifest.pp`, content: m });
    if ('content' in m) return files.push({ path: `${manifests}/${prefix}-${(m.name ?? 'manifest').replace(/\.pp$/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.pp`, content: m.content });
    const file = shQuote(`${manifests}/${prefix}-fetched.pp`);
    fetch.push(`curl -fsSL ${shQuote(m.url)} -o ${file} || wget -qO ${file} ${shQuote(m.url)}`);
  });
  for (const mod of list(config.modules)) {
    fetch.push(`puppet module list 2>/dev/null | grep -q -- ${shQuote(` ${mod} `)} || puppet module install ${shQuote(mod)}`);
  }
  const attributes = puppetAttributes(config.attributes);
  // Hiera data too: Occopus's manifests read attributes with hiera('name').
  const hiera: UploadFile[] = [
    { path: `${dir}/hiera.yaml`, content: HIERA_CONFIG },
    { path: `${dir}/data/common.json`, content: `${JSON.stringify(attributes, null, 2)}\n`, mode: 0o600 },
  ];
  const facts = { ...attributes, reef_instance: instanceId, reef_node: node };
  const env = Object.entries(facts)
    .map(([k, v]) => `FACTER_${factName(k)}=${shQuote(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join(' ');
  return {
    dir,
    // Start from an empty manifest folder so a manifest dropped from the spec is not applied again.
    prepare: `command -v puppet >/dev/null || exit 127; rm -rf ${shQuote(manifests)} && mkdir -p ${shQuote(manifests)}`,
    files,
    hiera,
    fetch,
    apply: `cd ${shQuote(dir)} && ${env} puppet apply --detailed-exitcodes --color=false --hiera_config=${shQuote(`${dir}/hiera.yaml`)} ${shQuote(manifests)}`,
  };
}

async function step(req: ConfigureRequest<PuppetSoloConfig>, ctx: CallContext, name: string, command: string, okCodes: number[]) {
  const out = outputRecorder(ctx, { step: name });
  const res = await sshExec(req.target, command, ctx, { onOutput: out.line });
  if (okCodes.includes(res.code)) return res.code;
  throw configFailed(`puppet_solo ${name} on ${describeTarget(req.target)}`, res.signal ? `was killed by ${res.signal}` : `exited with ${res.code}`, out.tail());
}

/** Occopus's puppet_solo without a server: manifests go to the machine and `puppet apply` runs there (it must be installed). */
export const puppetSoloConfigManager: ConfigManager<PuppetSoloConfig> = {
  kind: 'puppet_solo',
  async configure(req, ctx) {
    const plan = planPuppetSolo(req.config, req.instanceId, req.node);
    const code = await step(req, ctx, 'prepare', plan.prepare, [0, 127]);
    if (code === 127) {
      throw new FatalError('REEF_CONFIG_PUPPET_MISSING', `puppet_solo: puppet is not installed on ${describeTarget(req.target)} (install it in the image or via contextualisation)`);
    }
    await sshUpload(req.target, [...plan.files, ...plan.hiera], ctx);
    for (const [i, command] of plan.fetch.entries()) await step(req, ctx, `fetch ${i + 1}/${plan.fetch.length}`, command, [0]);
    // --detailed-exitcodes: 0 = nothing to change, 2 = changes applied; 4/6 = failures.
    await step(req, ctx, 'apply', plan.apply, [0, 2]);
  },
};
