/**
 * A logger that writes nothing but records the runtime's own per-tick trace (`{durationMs}, 'tick'`, logged at
 * the end of every reconcile tick). This is how the bench times one steady-state tick without a hook in src/:
 * the logger is a public dependency of createController.
 */
import { pino, type Logger } from 'pino';

export interface TickLog {
  log: Logger;
  /** durations of every tick so far, in order (ms, Date.now resolution) */
  ticks: number[];
  /** error-level messages, for scenarios that expect none */
  errors: string[];
}

export function tickLog(): TickLog {
  const ticks: number[] = [];
  const errors: string[] = [];
  const log = pino({
    level: 'trace',
    hooks: {
      logMethod(args, _method, level) {
        if (args[1] === 'tick' && typeof (args[0] as { durationMs?: unknown })?.durationMs === 'number') {
          ticks.push((args[0] as { durationMs: number }).durationMs);
        } else if (level >= 50) {
          errors.push(String(typeof args[0] === 'string' ? args[0] : args[1]));
        }
      },
    },
  });
  return { log, ticks, errors };
}
