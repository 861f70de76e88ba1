/** Reads a Server-Sent Events response: frames with their id and parsed data, comments counted (heartbeats). */
export interface SseFrame {
  id?: string;
  data?: Record<string, unknown>;
  comment?: string;
}

export async function readFrames(res: Response, until: (frames: SseFrame[]) => boolean, timeoutMs = 15_000): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  let buffer = '';
  try {
    while (!until(frames)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        for (const line of block) {
          if (line.startsWith(':')) frames.push({ comment: line.slice(1).trim() });
          else if (line.startsWith('id: ')) frames.push({ id: line.slice(4) });
          else if (line.startsWith('data: ')) frames[frames.length - 1].data = JSON.parse(line.slice(6));
        }
      }
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => {});
  }
  return frames;
}

export const eventsOf = (frames: SseFrame[]) => frames.filter((f) => f.id !== undefined);
