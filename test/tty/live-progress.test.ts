/**
 * The live progress display in a real pseudo-terminal (tmux): 1,000 dummy instances on a 100×40 screen. The
 * display must stay on the screen (nothing scrolls off), redraw in place, and end with the summary.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REEF } from '../helpers/cli.js';
import { hasTmux, TmuxPane } from './tmux.js';

const INFRA = `infra_name: thousand
nodes:
  - &H
    name: head
    type: head_node
  - &A
    name: web
    type: worker_node
    scaling: { min: 333, max: 333 }
  - &B
    name: queue
    type: worker_node
    scaling: { min: 333, max: 333 }
  - &C
    name: batch
    type: worker_node
    scaling: { min: 333, max: 333 }
dependencies:
  - [ *A, *H ]
  - [ *B, *H ]
  - [ *C, *H ]
`;
const NODES = `'node_def:head_node':
  - resource: { type: dummy, create_delay: 100, boot_delay: 200 }
'node_def:worker_node':
  - resource: { type: dummy, create_delay: 20, boot_delay: 300 }
`;
const SMALL = `infra_name: small
nodes:
  - name: good
    type: good_node
    scaling: { min: 3, max: 5 }
  - name: bad
    type: bad_node
`;
const SMALL_NODES = `'node_def:good_node':
  - resource: { type: dummy, boot_delay: 100 }
'node_def:bad_node':
  - resource: { type: dummy, image: missing, fail_create: { fatal: 1 } }
`;

let dir: string;
let pane: TmuxPane | undefined;
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const reefIn = (args: string) => `cd ${dir} && ${process.execPath} ${REEF} --state ${dir}/state.db ${args}`;

beforeAll(() => {
  if (!hasTmux()) throw new Error('tmux is missing (apt-get install tmux; CI: .ci/setup.d/40-tmux.sh)');
  dir = mkdtempSync(join(tmpdir(), 'reef-tty-'));
  writeFileSync(join(dir, 'infra.yaml'), INFRA);
  writeFileSync(join(dir, 'nodes.yaml'), NODES);
  writeFileSync(join(dir, 'small.yaml'), SMALL);
  writeFileSync(join(dir, 'small-nodes.yaml'), SMALL_NODES);
});
afterEach(() => pane?.kill());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reef on a terminal', () => {
  it('apply of 1,000 instances: one line per node redrawn in place, within 40 rows, ending with the summary', async () => {
    pane = new TmuxPane(100, 40);
    pane.start(reefIn('apply infra.yaml --nodes nodes.yaml --wait --timeout 240'), { NO_COLOR: '1' });
    const moving: string[][] = [];
    const { code, lines } = await pane.waitForExit(240_000, (screen) => {
      if (screen.some((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (web|queue|batch) +\d+\/333 ready +▕/.test(l))) moving.push(screen);
    });
    expect(code).toBe(0);
    expect(pane.historySize()).toBe(0); // not one line scrolled off the 40 rows
    expect(moving.length).toBeGreaterThan(0); // it was seen moving: a spinner, counts and a bar
    const text = lines.join('\n');
    expect(lines[0]).toBe('infra thousand: created');
    for (const n of ['head   1/1 ready', 'web    333/333 ready', 'queue  333/333 ready', 'batch  333/333 ready']) expect(text).toContain(`✓ ${n}`);
    const shown = lines.filter((l) => l.trim() !== '');
    expect(shown.slice(-4)).toEqual(['(1000 instances: reef status thousand lists each)', 'thousand: ready', 'thousand', 'EXIT=0']);
    expect(text).not.toMatch(/→/); // no transition lines
    console.log(`1,000-instance screen at the end:\n${lines.join('\n')}`);
  }, 300_000);

  it('destroy counts down in place and ends with the outcome', async () => {
    pane = new TmuxPane(100, 40);
    pane.start(reefIn('destroy thousand --wait --timeout 240'), { NO_COLOR: '1' });
    const { code, lines } = await pane.waitForExit(240_000);
    expect(code).toBe(0);
    expect(pane.historySize()).toBe(0);
    expect(lines[0]).toBe('infra thousand: destroying');
    expect(lines.join('\n')).toMatch(/✓ web +0 left +▕█{20}▏/);
    expect(lines.filter((l) => l.trim()).slice(-2)).toEqual(['thousand: destroyed', 'EXIT=0']);
  }, 300_000);

  it('shows what a person must read under the nodes: a failure in the cloud\'s words, the node given up; colour unless NO_COLOR', async () => {
    pane = new TmuxPane(60, 30);
    pane.start(reefIn('apply small.yaml --nodes small-nodes.yaml --wait --timeout 60'));
    const { code } = await pane.waitForExit(90_000);
    expect(code).toBe(1);
    const raw = pane.screen(true);
    expect(raw.join('\n')).toMatch(/\x1b\[[0-9;]*3[12]m/); // green/red marks: colour on a terminal without NO_COLOR
    const lines = raw.map(strip);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(60);
    const text = lines.join('\n');
    expect(text).toMatch(/✓ good +3\/3 ready/);
    expect(text).toMatch(/✗ bad +0\/1 ready/);
    expect(text).toMatch(/! (\(×\d+\) )?bad: an instance failed: create bad\/\*: simulated fat/);
    expect(text).toMatch(/! node bad failed: REEF_DUMMY_FATAL/);
  }, 120_000);

  it('deploy of a catalog entry draws the same display as apply and ends with the status table', async () => {
    pane = new TmuxPane(80, 24);
    pane.start(reefIn('deploy dummy-cluster --cloud dummy --set workers=5 --id tty-deploy --wait --timeout 60'), { NO_COLOR: '1' });
    const moving: string[][] = [];
    const { code, lines } = await pane.waitForExit(90_000, (screen) => {
      if (screen.some((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] worker +\d\/5 ready +▕/.test(l))) moving.push(screen);
    });
    expect(code).toBe(0);
    expect(pane.historySize()).toBe(0);
    expect(moving.length).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(lines[0]).toBe('infra tty-deploy: created from catalog entry dummy-cluster on dummy');
    expect(text).toMatch(/✓ head +1\/1 ready +▕█{20}▏/);
    expect(text).toMatch(/✓ worker +5\/5 ready +▕█{20}▏/);
    expect(text).not.toMatch(/→/);
    const shown = lines.filter((l) => l.trim() !== '');
    expect(shown.slice(-3)).toEqual(['tty-deploy: ready', 'tty-deploy', 'EXIT=0']);
    expect(shown.filter((l) => /^worker +worker-[0-9a-f]+ +ready/.test(l))).toHaveLength(5); // the final table
  }, 120_000);

  it('-v prints every transition instead of the display', async () => {
    pane = new TmuxPane(120, 40);
    pane.start(reefIn('-v scale small good --to 4 --wait --timeout 60'), { NO_COLOR: '1' });
    const { lines } = await pane.waitForExit(90_000);
    const text = lines.join('\n');
    expect(text, text).toMatch(/good-[0-9a-f]+ pending → contextualising/);
    expect(text).not.toMatch(/▕/);
  }, 120_000);
});
