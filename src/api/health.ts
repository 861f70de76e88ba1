/**
 * GET /v1/health: 200 `{status: "ok", infras}` while the store keeps what it is given; otherwise 503 in the
 * documented error shape plus `status: "unhealthy"`, naming why (the state file deleted, read-only, the database
 * not answering), so a load balancer or an operator's probe sees a server that cannot keep state.
 */
import { STATUS_CODES } from 'node:http';
import type { Store } from '../state/store.js';
import type { ErrorBody } from './error-map.js';

export type HealthBody = { status: 'ok'; infras: number } | (ErrorBody & { status: 'unhealthy' });

export async function healthOf(store: Store): Promise<HealthBody> {
  try {
    const health = (await store.health?.()) ?? { ok: true as const };
    if (!health.ok) return unhealthy(health.code, health.message);
    return { status: 'ok', infras: (await store.listInfras()).length };
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    return unhealthy(typeof code === 'string' ? code : 'REEF_STATE_READ', e instanceof Error ? e.message : String(e));
  }
}

function unhealthy(code: string, message: string): HealthBody {
  return { status_code: 503, reason: STATUS_CODES[503]!, message, code, status: 'unhealthy' };
}
