/**
 * A bounded FIFO of lines between a reader and the parser. The reader never waits: when the parser
 * falls behind (a flood) and the queue is full, new lines are dropped and counted, so the loss is
 * shown instead of memory growing without bound or the pipe stalling the kernel's reader.
 */
export class LineQueue {
  dropped = 0;
  private items: string[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(line: string): boolean {
    if (this.length >= this.capacity) {
      this.dropped++;
      return false;
    }
    this.items.push(line);
    return true;
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const line = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      // compact now and then instead of Array#shift on every line
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return line;
  }
}
