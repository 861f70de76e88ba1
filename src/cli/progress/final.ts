/**
 * What apply/scale print once the live display has stopped: the instance table when it still fits on the
 * screen under the display, otherwise only the per-node lines (1,000 rows would scroll the display away).
 */
import type { App } from '../app.js';
import { statusView } from '../../ops/views.js';
import { statusTable } from '../render.js';

export async function finalStatusText(app: App, id: string, rows = process.stderr.rows || 24): Promise<string> {
  const view = await statusView(app.store(), undefined, id);
  const table = statusTable(view);
  if (!app.progress) return table;
  const used = app.progress.height + 3; // the outcome and id lines, and the prompt
  const tableLines = table.split('\n');
  if (used + tableLines.length <= rows) return table;
  return tableLines.slice(1 + view.instances.length).concat(`(${view.instances.length} instances: reef status ${id} lists each)`).join('\n');
}
