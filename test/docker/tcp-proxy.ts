/**
 * A Docker endpoint that can go away and come back: a tcp://127.0.0.1:PORT proxy in front of the engine's unix
 * socket. close() refuses new connections and cuts the open ones (what a user sees when a remote engine dies);
 * open() listens again on the same port.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { SOCKET } from './engine.js';

export interface TcpProxy {
  port: number;
  endpoint: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () => new Promise<void>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(SOCKET);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as { port: number }).port;
      resolve();
    });
  });
  const close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (!server) return resolve();
    server.close(() => resolve());
    server = undefined;
  });
  await open();
  return { get port() { return port; }, get endpoint() { return `tcp://127.0.0.1:${port}`; }, open, close };
}
