import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessOf, type CallContext } from '../driver.js';
import { allowedFile } from '../../util/host-access.js';
import { FatalError } from '../errors.js';
import { describeTarget, expandHome, withSshSession } from '../ssh/connect.js';
import { configFailed, outputRecorder } from './output.js';
import { runLocal } from './run-local.js';
import type { ConfigManager, ConfigureRequest } from './types.js';

export type AnsibleConfig = {
  type: 'ansible';
  /** a playbook on the reef host (absolute; the loader resolves one written relative to its node-definition file). */
  playbook: string;
  /** merged over the node variables. */
  extra_vars?: Record<string, unknown>;
};

export interface AnsibleOptions {
  /** the ansible-playbook binary; tests point it elsewhere. */
  command?: string;
}

async function keyFileFor(req: ConfigureRequest<AnsibleConfig>, dir: string, ctx: CallContext): Promise<string> {
  const t = req.target;
  if (t.privateKey) {
    const file = join(dir, 'id');
    await writeFile(file, t.privateKey.endsWith('\n') ? t.privateKey : `${t.privateKey}\n`, { mode: 0o600 });
    return file;
  }
  if (t.privateKeyPath) return allowedFile(accessOf(ctx), 'private_key_path', expandHome(t.privateKeyPath));
  throw new FatalError('REEF_CONFIG_UNSUPPORTED', `ansible on ${describeTarget(t)}: needs a private key (password login would need sshpass)`);
}

/**
 * The environment ansible-playbook runs with: the caller's, plus what reef needs. A setting the caller's
 * environment already has wins where noted.
 */
export function ansibleEnv(base: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  return {
    ...base,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
    // ansible's default ControlPersist=60s leaves an ssh master (and a server session) running after the
    // playbook; reef configures once per instance, so it opens plain connections and leaves nothing behind.
    ANSIBLE_SSH_ARGS: '-o ControlMaster=no',
    // Without a persistent master every task pays its SSH logins: pipelining sends the module over the one
    // connection that runs it (~2x faster playbooks). Needs no `requiretty` for become; a caller may turn it off.
    ANSIBLE_PIPELINING: base.ANSIBLE_PIPELINING ?? 'True',
  };
}

/**
 * Runs `ansible-playbook -i 'HOST,' -u USER --private-key F -e @vars.json PLAYBOOK` on the reef host, with the
 * node variables (+ extra_vars, + ansible_port) as extra vars. Host keys: reef checks the pinned key with its
 * own connection first (trust on first use), then lets ansible connect without known_hosts, which never holds
 * these machines.
 */
export function createAnsibleConfigManager(opts: AnsibleOptions = {}): ConfigManager<AnsibleConfig> {
  const command = opts.command ?? 'ansible-playbook';
  return {
    kind: 'ansible',
    async configure(req, ctx: CallContext) {
      const t = req.target;
      if (t.jump) throw new FatalError('REEF_CONFIG_UNSUPPORTED', `ansible on ${describeTarget(t)}: jump hosts are not supported yet`);
      // the playbook runs on this host: under reef serve only one the operator allowed, refused before it is looked at
      const playbook = allowedFile(accessOf(ctx), 'ansible playbook', req.config.playbook);
      if (!existsSync(playbook)) {
        throw new FatalError('REEF_CONFIG_PLAYBOOK_MISSING', `ansible: playbook ${req.config.playbook} does not exist`);
      }
      await withSshSession(t, ctx, async () => undefined);
      const dir = await mkdtemp(join(tmpdir(), 'reef-ansible-'));
      try {
        const vars = { ...req.variables, ...req.config.extra_vars, reef_instance: req.instanceId, reef_node: req.node, ansible_port: t.port ?? 22 };
        await writeFile(join(dir, 'vars.json'), JSON.stringify(vars), { mode: 0o600 });
        const args = ['-i', `${t.host},`, '-u', t.user, '--private-key', await keyFileFor(req, dir, ctx), '-e', `@${join(dir, 'vars.json')}`, playbook];
        const env = ansibleEnv(process.env, dir);
        const out = outputRecorder(ctx, { step: 'ansible-playbook' });
        const run = await runLocal(command, args, { env }, ctx, out.line);
        if (run.kind === 'missing') {
          throw new FatalError('REEF_CONFIG_ANSIBLE_MISSING', `ansible: "${command}" is not installed on the reef host (Debian: apt-get install ansible-core)`);
        }
        if (run.code !== 0) {
          const exit = run.signal ? `was killed by ${run.signal}` : `exited with ${run.code}`;
          throw configFailed(`ansible-playbook ${req.config.playbook} for ${describeTarget(t)}`, exit, out.tail());
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export const ansibleConfigManager = createAnsibleConfigManager();
