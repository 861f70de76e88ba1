import type { CallContext } from '../driver.js';
import { describeTarget } from '../ssh/connect.js';
import { sshExec } from '../ssh/exec.js';
import { sshUpload } from '../ssh/upload.js';
import { configFailed, outputRecorder, shQuote } from './output.js';
import type { ConfigManager, ConfigureRequest } from './types.js';

export type ShellConfig = {
  type: 'shell';
  /** written first (parents created). `mode`: a number is taken literally (0o755 = 493); a string is octal ("0755"). */
  files?: Array<{ path: string; content: string; mode?: number | string }>;
  /** run in order by the login shell; each must exit 0. Write them so that a re-run is harmless. */
  scripts?: string[];
  /** one script: shorthand, runs before `scripts`. */
  script?: string;
};

export function parseMode(mode: number | string | undefined): number | undefined {
  if (mode === undefined) return undefined;
  return typeof mode === 'number' ? mode : parseInt(mode, 8);
}

/** Every script sees REEF_INSTANCE and REEF_NODE. */
function withEnv(req: ConfigureRequest<ShellConfig>, script: string): string {
  return `export REEF_INSTANCE=${shQuote(req.instanceId)} REEF_NODE=${shQuote(req.node)}\n${script}`;
}

async function configure(req: ConfigureRequest<ShellConfig>, ctx: CallContext): Promise<void> {
  const files = req.config.files ?? [];
  if (files.length) {
    await sshUpload(req.target, files.map((f) => ({ path: f.path, content: f.content, mode: parseMode(f.mode) })), ctx);
    ctx.log.info({ files: files.map((f) => f.path) }, 'shell: files uploaded');
  }
  const scripts = [...(req.config.script ? [req.config.script] : []), ...(req.config.scripts ?? [])];
  for (const [i, script] of scripts.entries()) {
    const step = `script ${i + 1}/${scripts.length}`;
    const out = outputRecorder(ctx, { step });
    const res = await sshExec(req.target, withEnv(req, script), ctx, { onOutput: out.line });
    if (res.code !== 0) {
      const exit = res.signal ? `was killed by ${res.signal}` : `exited with ${res.code}`;
      throw configFailed(`shell ${step} on ${describeTarget(req.target)}`, exit, out.tail());
    }
  }
}

export const shellConfigManager: ConfigManager<ShellConfig> = { kind: 'shell', configure };
