/**
 * LISTEN on a dedicated connection (a pooled one would be handed to other queries). Reconnects after the
 * server restarts or fails over, with a capped backoff, until closed; notifications sent while it was away are
 * lost, which is why its users also poll (the SSE pump, the controller's resync), only less often.
 */
import pg from 'pg';
import type { StoreChange } from '../store.js';

const CHANNELS = { reef_events: 'events', reef_desired: 'desired' } as const;

export class ChangeListener {
  private readonly fns = new Set<(c: StoreChange) => void>();
  private client?: pg.Client;
  private closed = false;
  private retryMs = 200;
  private timer?: NodeJS.Timeout;

  constructor(private readonly url: string) {
    void this.connect();
  }

  add(fn: (c: StoreChange) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    client.on('notification', (n) => {
      const kind = CHANNELS[n.channel as keyof typeof CHANNELS];
      if (!kind || n.payload === undefined) return;
      for (const fn of this.fns) fn({ kind, infra: n.payload });
    });
    this.client = client;
    try {
      await client.connect();
      await client.query('LISTEN reef_events; LISTEN reef_desired');
      this.retryMs = 200;
    } catch {
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, 5000);
  }
}
