/**
 * docker-modem requires its ssh:// transport (and with it ssh2: its crypto, a native module and WebAssembly,
 * ~40 ms of every docker apply at rest) when it loads, although reef's docker endpoints are unix:// or tcp://
 * only. Before docker-modem loads, this puts a stand-in for that one module in require.cache (a documented Node
 * API, node_modules untouched): the real module is required on the stand-in's first call, so anything else in
 * the process that does dial over ssh gets docker-modem's own transport, unchanged.
 */
import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

type SshAgentFactory = (options: unknown) => unknown;

/** The path docker-modem's `require('./ssh')` resolves to. */
export const SSH_TRANSPORT = require.resolve('docker-modem/lib/ssh.js');

export function deferSshTransport(): void {
  if (require.cache[SSH_TRANSPORT]) return; // docker-modem (or the transport) is loaded already: nothing to defer
  let real: SshAgentFactory | undefined;
  const standIn: SshAgentFactory = (options) => {
    if (!real) {
      delete require.cache[SSH_TRANSPORT];
      real = require(SSH_TRANSPORT) as SshAgentFactory;
    }
    return real(options);
  };
  const entry = new Module(SSH_TRANSPORT);
  entry.filename = SSH_TRANSPORT;
  entry.exports = standIn;
  entry.loaded = true;
  require.cache[SSH_TRANSPORT] = entry;
}
