/**
 * A bounded FIFO of lines between a reader and the parser. When the parser falls behind (a flood)
 * and the queue is full, new lines are dropped and counted, so the loss is shown instead of memory
 * growing without bound. Readers whose data keeps (the journal, a followed file, a saved input)
 * wait while the session's queues are half full and never get here; dmesg does not wait, since
 * the kernel's ring buffer would overwrite what it has not read, uncounted.
 *
 * A number stands for that many lines the scanner passed over (nothing in them for the parser):
 * they keep the parser's line numbers right and are never dropped. Consecutive ones are summed, so
 * there is at most one after each line and the queue stays bounded.
 */
/** In the queue: an audit event ended on a line nobody needed to read. */
export const EVENT_END = -1;

export class LineQueue {
  dropped = 0;
  private items: (string | number)[] = [];
  private head = 0;
  /** Lines (strings) queued; the capacity bounds these. */
  private lines = 0;

  constructor(private readonly capacity: number) {}

  /** Lines waiting for the parser. */
  get length(): number {
    return this.lines;
  }

  push(line: string): boolean {
    if (this.length >= this.capacity) {
      this.dropped++;
      this.pushSkipped(1); // its number is still taken: the lines after it keep theirs
      return false;
    }
    this.items.push(line);
    this.lines++;
    return true;
  }

  pushSkipped(count: number): void {
    const last = this.items.length - 1;
    if (last >= this.head && typeof this.items[last] === 'number' && (this.items[last] as number) > 0) this.items[last] = (this.items[last] as number) + count;
    else this.items.push(count);
  }

  /** The scanner passed over a line of another audit event: the parser releases what it holds (EVENT_END). */
  pushEventEnd(): void {
    this.items.push(EVENT_END);
  }

  shift(): string | number | undefined {
    if (this.head >= this.items.length) return undefined;
    const line = this.items[this.head++];
    if (typeof line === 'string') this.lines--;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      // compact now and then instead of Array#shift on every line
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return line;
  }
}
