/**
 * Gives the Docker engine a CPU of its own for one benchmark: dockerd and containerd (every thread, and so every
 * containerd-shim they start meanwhile) are pinned to one CPU and this process to the others, as if the engine
 * ran on a host of its own, which is how reef usually meets one (a remote endpoint). On a 2-core machine the
 * engine otherwise saturates both cores, and every millisecond of CPU the deploying process uses is taken from
 * it. Needs root and util-linux's taskset; `restore()` puts every affinity back.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function pids(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The CPU list an affinity mask allows, as `taskset -c` takes it ("0-1"). */
function cpuList(pid: number): string {
  return execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' }).trim().split(': ').pop()!;
}

function setCpus(pid: number, cpus: string, allThreads = true): void {
  execFileSync('taskset', [...(allThreads ? ['-a'] : []), '-c', '-p', cpus, String(pid)], { stdio: 'ignore' });
}

export function pinEngine(engineCpu: number): { restore(): void; describe: string } {
  const cpus = availableParallelism();
  if (cpus < 2) throw new Error(`--docker-engine-cpu needs at least 2 CPUs (this machine has ${cpus})`);
  if (!Number.isInteger(engineCpu) || engineCpu < 0 || engineCpu >= cpus) throw new Error(`--docker-engine-cpu ${engineCpu}: this machine has CPUs 0–${cpus - 1}`);
  const daemons = [...pids('dockerd'), ...pids('containerd')];
  if (daemons.length === 0) throw new Error('--docker-engine-cpu: no dockerd or containerd process found to pin');
  const before = new Map(daemons.map((pid) => [pid, cpuList(pid)]));
  const own = cpuList(process.pid);
  const others = Array.from({ length: cpus }, (_, i) => i).filter((i) => i !== engineCpu).join(',');
  const restore = () => {
    for (const [pid, list] of before) {
      try { setCpus(pid, list); } catch { /* the daemon is gone */ }
    }
    // shims started while pinned inherited the pin: they get containerd's own list back
    const shimList = [...before.values()].pop()!;
    for (const pid of pids('containerd-shim-runc-v2')) {
      try { setCpus(pid, shimList); } catch { /* exited meanwhile */ }
    }
    setCpus(process.pid, own, false);
  };
  try {
    for (const pid of daemons) setCpus(pid, String(engineCpu));
    setCpus(process.pid, others, false);
  } catch (e) {
    restore();
    throw new Error(`--docker-engine-cpu: could not set CPU affinity (root and taskset are needed): ${(e as Error).message}`);
  }
  return { restore, describe: `engine on CPU ${engineCpu}, deploying process on CPU ${others}` };
}
