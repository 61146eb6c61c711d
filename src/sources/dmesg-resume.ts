/**
 * `dmesg --follow` prints the whole ring buffer before it follows, so a restarted dmesg repeats
 * what was already read. Records would be absorbed by the deduper, but loss notices
 * (kauditd_printk_skb) would be counted twice: lines up to the last one read are skipped, by the
 * ring buffer's own uptime stamp (non-decreasing), and counted as replayed.
 */

const STAMP_RE = /^(?:<\d+>)?\[\s*(\d+)\.(\d+)\]/;

/** Microseconds since boot from a raw dmesg line, or undefined (a continuation line). */
export function dmesgStamp(line: string): number | undefined {
  const m = STAMP_RE.exec(line);
  return m ? Number(m[1]) * 1e6 + Number(m[2].padEnd(6, '0').slice(0, 6)) : undefined;
}

export class DmesgResume {
  private last = -1;
  /** Lines seen with the last stamp (several messages can share one). */
  private atLast = 0;
  private skipping = false;
  private skippedAtLast = 0;
  replayed = 0;

  /** A restarted dmesg is still repeating what the previous one delivered. */
  get replaying(): boolean {
    return this.skipping;
  }

  /** A new dmesg process starts: skip what the previous one already delivered. */
  restart(): void {
    this.skipping = this.last >= 0;
    this.skippedAtLast = 0;
  }

  /** True when the line is new (pass it on), false when it is a replay of one already read. */
  admit(line: string): boolean {
    const t = dmesgStamp(line);
    if (this.skipping) {
      if (t === undefined || t < this.last || (t === this.last && this.skippedAtLast < this.atLast)) {
        if (t === this.last) this.skippedAtLast++;
        this.replayed++;
        return false;
      }
      this.skipping = false;
    }
    if (t !== undefined) {
      if (t === this.last) this.atLast++;
      else {
        this.last = t;
        this.atLast = 1;
      }
    }
    return true;
  }
}
