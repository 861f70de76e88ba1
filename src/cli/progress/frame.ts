/**
 * One frame of the live progress display, as text lines: one line per node, then the messages a person must
 * read. Pure: everything it shows comes in through FrameInput, so a frame is a table test away.
 */

export interface FrameNode {
  name: string;
  ready: number;
  target: number;
  /** instances per state (and `retrying`), as RuntimeStatus.phases has them */
  phases: Record<string, number>;
  failedReason?: string | null;
  /** destroy: the most instances the node had since the display started (the bar shows how many are gone) */
  initial?: number;
  /** ms from the start until this node was done; undefined while it is still moving */
  doneAtMs?: number;
}

export interface Notice {
  text: string;
  /** how many times the same text was reported */
  count: number;
}

export interface FrameInput {
  mode: 'up' | 'down';
  nodes: FrameNode[];
  notices: Notice[];
  elapsedMs: number;
  /** animation step; the spinner frame is tick modulo its length */
  tick: number;
  columns: number;
  rows: number;
  color: boolean;
  /** the final frame: a mark instead of the spinner */
  final?: 'ok' | 'failed';
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** shown in this order; `ready` is the bar's, not a phase's */
const PHASE_ORDER = ['pending', 'creating', 'contextualising', 'booting', 'configuring', 'checking', 'retrying', 'unhealthy', 'failed', 'destroying'];
const BAR_WIDTH = 20;
const NAME_MAX = 24;

const sgr = (on: boolean, code: string, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** Plain text cut to a width, with an ellipsis when cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function isDone(n: FrameNode, mode: FrameInput['mode']): boolean {
  const moving = Object.entries(n.phases).some(([p, c]) => c > 0 && p !== 'ready' && p !== 'failed');
  if (mode === 'down') return !moving && Object.values(n.phases).every((c) => c === 0);
  return !moving && n.ready === n.target;
}

function countText(n: FrameNode, mode: FrameInput['mode']): string {
  const left = Object.values(n.phases).reduce((a, b) => a + b, 0);
  return mode === 'up' ? `${n.ready}/${n.target} ready` : `${left} left`;
}

function nodeLine(n: FrameNode, input: FrameInput, nameWidth: number, countWidth: number): string {
  const { color, mode, columns } = input;
  const failed = Boolean(n.failedReason);
  const mark = failed ? sgr(color, '31', '✗') : isDone(n, mode) ? sgr(color, '32', '✓') : input.final ? '·' : sgr(color, '36', SPINNER[input.tick % SPINNER.length]);
  const left = Object.values(n.phases).reduce((a, b) => a + b, 0);
  const count = countText(n, mode).padEnd(countWidth);
  const share = mode === 'up' ? (n.target === 0 ? 1 : n.ready / n.target) : n.initial ? (n.initial - left) / n.initial : 1;
  const moving = PHASE_ORDER.filter((p) => (n.phases[p] ?? 0) > 0).map((p) => `${p} ${n.phases[p]}`).join(' · ');
  // a node with nothing on its way yet waits for its dependencies (or the next tick)
  const phases = failed ? `gave up: ${n.failedReason}` : moving || (mode === 'up' && n.ready < n.target && !input.final ? 'waiting' : '');
  const elapsed = formatElapsed(n.doneAtMs ?? input.elapsedMs);
  const name = fit(n.name, nameWidth).padEnd(nameWidth);

  // layout by visible width; a narrow terminal loses the bar first, then the end of the phase text
  const fixed = 2 + nameWidth + 2 + count.length + 3 + elapsed.length;
  const barPart = BAR_WIDTH + 4;
  const withBar = fixed + barPart + (phases ? 14 : 0) <= columns;
  const room = columns - fixed - (withBar ? barPart : 0) - 2;
  const shown = phases && room >= 4 ? fit(phases, room) : '';
  let bar = '';
  if (withBar) {
    const full = Math.max(0, Math.min(BAR_WIDTH, Math.round(share * BAR_WIDTH)));
    bar = `  ▕${sgr(color, failed ? '31' : '32', '█'.repeat(full))}${'░'.repeat(BAR_WIDTH - full)}▏`;
  }
  const phaseOut = shown ? `  ${failed ? sgr(color, '31', shown) : shown}` : '';
  const line = `${mark} ${sgr(color, '1', name)}  ${count}${bar}${phaseOut}   ${sgr(color, '2', elapsed)}`;
  // the narrowest terminals: cut what is left (plain text only, so no colour code is cut in half)
  return 2 + nameWidth + 2 + count.length + (withBar ? barPart : 0) + (shown ? 2 + [...shown].length : 0) + 3 + elapsed.length > columns
    ? fit(`${failed ? '✗' : '·'} ${name}  ${count.trimEnd()}`, columns)
    : line;
}

/** The display's lines, at most `rows - 1` of them and each at most `columns` wide. */
export function renderFrame(input: FrameInput): string[] {
  const budget = Math.max(2, input.rows - 1);
  const nameWidth = Math.min(NAME_MAX, Math.max(4, ...input.nodes.map((n) => [...n.name].length)), Math.max(4, Math.floor(input.columns / 3)));
  const countWidth = Math.max(0, ...input.nodes.map((n) => countText(n, input.mode).length));
  const noticeRoom = input.notices.length ? Math.min(input.notices.length, Math.max(3, Math.floor(budget / 3))) : 0;
  let nodeRoom = budget - noticeRoom - (input.notices.length ? 1 : 0);
  const lines: string[] = [];
  const nodes = input.nodes;
  if (nodes.length > nodeRoom) {
    nodeRoom = Math.max(1, nodeRoom - 1);
    for (const n of nodes.slice(0, nodeRoom)) lines.push(nodeLine(n, input, nameWidth, countWidth));
    const rest = nodes.slice(nodeRoom);
    const ready = rest.reduce((a, n) => a + n.ready, 0);
    const target = rest.reduce((a, n) => a + n.target, 0);
    lines.push(fit(`  … ${rest.length} more nodes: ${ready}/${target} ready`, input.columns));
  } else {
    for (const n of nodes) lines.push(nodeLine(n, input, nameWidth, countWidth));
  }
  if (input.notices.length) {
    lines.push('');
    const shown = input.notices.slice(-noticeRoom);
    const hidden = input.notices.length - shown.length;
    if (hidden > 0) shown.shift();
    if (hidden > 0) lines.push(fit(`  (${hidden + 1} earlier messages: reef logs shows them)`, input.columns));
    for (const n of shown) {
      const text = fit(`${n.count > 1 ? `(×${n.count}) ` : ''}${n.text}`, input.columns - 2);
      lines.push(`${sgr(input.color, '33', '!')} ${text}`);
    }
  }
  return lines.slice(0, budget);
}
