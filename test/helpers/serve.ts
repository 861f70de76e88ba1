/** A `reef serve` subprocess on a free loopback port, in `dir` (its state in dir/.reef). */
import { spawn, type ChildProcess } from 'node:child_process';
import { REEF } from './cli.js';

export interface ServeProcess { proc: ChildProcess; url: string; stderr: () => string }

export async function startServe(dir: string, args: string[] = ['--resync', '1']): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [REEF, 'serve', '--port', '0', ...args], {
    cwd: dir, env: { ...process.env, NO_COLOR: '1', REEF_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reef serve did not start: ${err}`)), 30_000);
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`reef serve exited ${code}: ${err}`)));
  });
  return { proc, url, stderr: () => err };
}
