/** Turns chunks into whole lines for a callback; flush() emits an unterminated last line. */
export function lineSplitter(emit: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let partial = '';
  return {
    push(chunk) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) emit(line.replace(/\r$/, ''));
    },
    flush() {
      if (partial) emit(partial);
      partial = '';
    },
  };
}

/** Keeps at most `limit` characters, dropping the oldest: long outputs keep their (more useful) end. */
export function boundedText(limit = 1 << 20): { add(s: string): void; text(): string } {
  let buf = '';
  return {
    add(s) {
      buf += s;
      if (buf.length > limit) buf = buf.slice(buf.length - limit);
    },
    text: () => buf,
  };
}
