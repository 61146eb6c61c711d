/**
 * Turning kernel uptimes into wall-clock time. Raw dmesg dates a line only by seconds since boot;
 * the boot's wall-clock time comes from the same log (a record that carries both an uptime and an
 * audit id: boot = audit time - uptime), from a journal's "Linux version" line, or from
 * --boot-time. Each input has its own sequence of boots ("segments"); an item dated only by uptime
 * is resolved against its segment once the segment's boot time is known, which may be later in
 * the log than the item itself (the boot line comes before the first record).
 */

export interface Segment {
  source: string;
  /** Epoch ms of the boot, once known. */
  bootTime?: number;
  basis?: 'log' | 'journal';
  /** The last segment of its source: --boot-time applies to it (it is the boot the log ends in). */
  last: boolean;
}

export class UptimeClock {
  private readonly current = new Map<string, Segment>();
  private readonly lastUptime = new Map<string, number>();

  /** The segment items of `source` belong to now. */
  segment(source: string): Segment {
    let s = this.current.get(source);
    if (!s) {
      s = { source, last: true };
      this.current.set(source, s);
    }
    return s;
  }

  /** A new boot in `source`: later items belong to a new segment. */
  boot(source: string, uptime = 0, bootTime?: number, basis?: 'journal'): Segment {
    const prev = this.current.get(source);
    if (prev) prev.last = false;
    const s: Segment = { source, last: true };
    if (bootTime !== undefined) {
      s.bootTime = bootTime;
      s.basis = basis;
    }
    this.current.set(source, s);
    this.lastUptime.set(source, uptime);
    return s;
  }

  /**
   * Notes an uptime seen in `source`. Returns true when it went backwards by more than a second:
   * the machine rebooted between two lines (the "Linux version" line was not kept).
   */
  observe(source: string, uptime: number): boolean {
    const prev = this.lastUptime.get(source);
    this.lastUptime.set(source, uptime);
    return prev !== undefined && uptime < prev - 1;
  }

  /** A record dated both ways tells its segment's boot time (the first such record wins). */
  learn(source: string, uptime: number, time: number): void {
    const s = this.segment(source);
    if (s.bootTime === undefined) {
      s.bootTime = time - Math.round(uptime * 1000);
      s.basis = 'log';
    }
  }
}

/** Wall-clock time of an uptime in a segment, or undefined when the boot time is not known. */
export function resolveUptime(seg: Segment, uptime: number, cliBootTime: number | undefined): number | undefined {
  const boot = seg.bootTime ?? (seg.last ? cliBootTime : undefined);
  return boot === undefined ? undefined : boot + Math.round(uptime * 1000);
}
