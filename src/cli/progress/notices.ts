/**
 * What a person must read below the progress lines, from the log records reef writes anyway (warn and above)
 * and from the status (endpoints that did not answer). The same text reported again counts up instead of
 * taking another line: 200 instances failing with one cloud error are one line.
 */
import type { Notice } from './frame.js';
import type { RuntimeStatus } from '../../controller/status.js';

export interface LogRecord {
  level: number;
  msg?: string;
  node?: string;
  instance?: string;
  reason?: string;
  err?: { message?: string };
}

const WARN = 40;

export class Notices {
  private readonly byText = new Map<string, Notice>();
  /** most recent last */
  private order: Notice[] = [];

  add(text: string): void {
    const known = this.byText.get(text);
    if (known) {
      known.count++;
      this.order = [...this.order.filter((n) => n !== known), known];
      return;
    }
    const n = { text, count: 1 };
    this.byText.set(text, n);
    this.order.push(n);
  }

  /** A pino record: warnings and errors only; an instance's failure is told by node, with the cloud's words. */
  fromLog(r: LogRecord): void {
    if (r.level < WARN) return;
    const why = r.reason ?? r.err?.message;
    // the instance's id left out, so the same cloud error on many instances is one line with a count
    if (r.instance && r.node && r.reason) this.add(`${r.node}: an instance failed: ${r.reason.split(r.instance).join('*')}`);
    else if (r.node && r.msg?.startsWith(`node ${r.node} failed`)) this.add(r.msg);
    else this.add(`${r.node ? `${r.node}: ` : ''}${r.msg ?? ''}${why && !r.msg?.includes(why) ? `: ${why}` : ''}`);
  }

  private outage = new Set<string>();

  /** Endpoints whose list() failed this tick: told once per outage, not once per tick. */
  fromStatus(s: Pick<RuntimeStatus, 'errors'>): void {
    const now = new Set(s.errors.map((e) => `endpoint ${e.endpoint} unreachable: ${e.message}`));
    for (const text of now) if (!this.outage.has(text)) this.add(text);
    this.outage = now;
  }

  list(): Notice[] {
    return this.order;
  }
}
