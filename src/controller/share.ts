/**
 * Pure: how many infras a serving replica should hold, and which to take or hand back. Every live replica
 * (heartbeat not expired) gets an equal share, rounded up; a replica below its share takes free or lapsed
 * leases, one above it hands back its surplus, so N replicas converge to N near-equal shares without talking.
 */
export interface ShareInput {
  me: string;
  /** live replicas, including this one */
  replicas: number;
  /** infras that want a controller (not destroyed), in a stable order */
  infras: string[];
  /** infra → current holder of an unexpired lease */
  leased: Map<string, string>;
  /** infras this replica holds now */
  mine: Set<string>;
}

export interface ShareDecision {
  share: number;
  take: string[];
  handBack: string[];
  /** free infras after `take`, in the same order: what to try when a take is lost to another replica */
  spare: string[];
}

export function decideShare(i: ShareInput): ShareDecision {
  const share = Math.ceil(i.infras.length / Math.max(1, i.replicas));
  const wanted = new Set(i.infras);
  const held = [...i.mine].filter((id) => wanted.has(id));
  if (held.length > share) {
    // hand back the most recently listed ones; keep the rest undisturbed
    return { share, take: [], handBack: held.slice(share), spare: [] };
  }
  const room = share - held.length;
  // start at an offset derived from the replica's name so replicas that start together try different infras first
  const free = i.infras.filter((id) => !i.mine.has(id) && !i.leased.has(id));
  const start = free.length ? hash(i.me) % free.length : 0;
  const rotated = [...free.slice(start), ...free.slice(0, start)];
  return { share, take: rotated.slice(0, room), handBack: [], spare: rotated.slice(room) };
}

/**
 * Takes up to `room` infras from `candidates`, in order: one wave of `room` attempts at once, then, for every one
 * lost (another replica took that lease first), the next candidates — so a replica whose pick collided with
 * another's fills its share in the same discovery round instead of the next one. Returns the infras taken.
 */
export async function takeUpTo(room: number, candidates: string[], take: (id: string) => Promise<boolean>): Promise<string[]> {
  const taken: string[] = [];
  let next = 0;
  while (taken.length < room && next < candidates.length) {
    const wave = candidates.slice(next, next + room - taken.length);
    next += wave.length;
    const got = await Promise.all(wave.map(async (id) => ((await take(id)) ? id : undefined)));
    for (const id of got) if (id !== undefined) taken.push(id);
  }
  return taken;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
