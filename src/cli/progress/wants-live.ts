/** Live display only for a person at a terminal who did not ask for every log line (-v, --log-level) or JSON. */
export function wantsLive(o: { verbose?: boolean; logLevel?: string; output?: string }, stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !o.verbose && !o.logLevel && o.output !== 'json' && process.env.TERM !== 'dumb';
}
