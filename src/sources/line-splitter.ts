/**
 * Push-based line splitting for live streams (subprocess pipes, a followed file): chunks in, whole
 * lines out. A line longer than `max` bytes is cut there (counted) and the rest of it dropped.
 */
export class LineSplitter {
  cut = 0;
  private carry: Buffer[] = [];
  private carryLen = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly max = 4 * 1024 * 1024,
  ) {}

  push(buf: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      if (this.skipping) this.skipping = false;
      else {
        let end = nl;
        if (this.carryLen + (nl - start) > this.max) {
          end = start + this.max - this.carryLen;
          this.cut++;
        }
        if (this.carryLen) {
          this.carry.push(buf.subarray(start, end));
          const line = Buffer.concat(this.carry).toString('utf8');
          this.carry = [];
          this.carryLen = 0;
          this.onLine(line);
        } else this.onLine(buf.toString('utf8', start, end));
      }
      start = nl + 1;
    }
    if (start < buf.length && !this.skipping) {
      const rest = buf.subarray(start);
      if (this.carryLen + rest.length > this.max) {
        this.carry.push(rest.subarray(0, this.max - this.carryLen));
        const line = Buffer.concat(this.carry).toString('utf8');
        this.carry = [];
        this.carryLen = 0;
        this.skipping = true;
        this.cut++;
        this.onLine(line);
      } else {
        this.carry.push(Buffer.from(rest)); // copy: the stream may reuse its buffer
        this.carryLen += rest.length;
      }
    }
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    if (this.carryLen && !this.skipping) {
      const line = Buffer.concat(this.carry).toString('utf8');
      this.onLine(line);
    }
    this.carry = [];
    this.carryLen = 0;
    this.skipping = false;
  }
}
