/**
 * Whether the audit channel read here holds what the kernel log lost. Pure and bounded: the
 * Pipeline feeds it every parsed record (copies included, before they are merged) and every loss
 * notice of the kernel log alone; views ask each notice, when they show it, who recovered it.
 *
 * The kernel rate-limits only its printing of audit records (`kauditd_printk_skb: N callbacks
 * suppressed`); the same records go to the audit channel (journald's audit transport, auditd's
 * audit.log) first. So the loss is made good exactly when an audit-channel input was read over the
 * whole time the lost records can lie in: after the last record the kernel log printed before the
 * notice, up to the next one it printed after it (the call that printed the notice prints its own
 * record next). Every end of that window that is not known makes the answer "not recovered".
 *
 * An audit-channel input counts from its first to its last dated record (a saved input is taken to
 * be complete between them). Only exact times count: an audit id, a journal timestamp, a clock with
 * its year and zone; a record without an audit id may be up to a second later than its clock says,
 * so an audit-channel input is counted from a second after such a first record, and a kernel-log
 * window ends a second after such a next record. A live source that dropped lines stops counting
 * from then on (`stop`).
 */
import type { AppArmorRecord, LossNotice } from '../model/record.js';

/** When the records a notice says were lost can have happened. */
interface LossWindow {
  from?: number;
  to?: number;
}

/** Notices that may still wait for their stream's next record. */
const MAX_WAITING = 10_000;

/** One input or source (one parser): what its audit-channel records covered, its last kernel-log record. */
export class StreamCoverage {
  from = Infinity;
  to = -Infinity;
  stopped = false;
  lastKernel: number | undefined;
  waiting: LossWindow[] = [];

  constructor(
    readonly name: string,
    private readonly all: AuditCoverage,
  ) {}

  /** One parsed record of this stream. */
  record(r: AppArmorRecord): void {
    const t = r.time;
    if (t === undefined || r.timeApprox || r.timeInvalid) return;
    if (r.channel === 'audit') {
      if (this.stopped) return;
      const from = r.auditId !== undefined ? t : t + 1000;
      if (from < this.from) this.from = from;
      if (t > this.to) this.to = t;
    } else if (r.channel === 'kernel') {
      this.lastKernel = t;
      if (this.waiting.length) {
        const to = r.auditId !== undefined ? t : t + 1000;
        for (const w of this.waiting) w.to = to;
        this.all.waitingCount -= this.waiting.length;
        this.waiting = [];
      }
    }
  }

  /** A loss notice read from this stream: a loss of the kernel log alone gets its recovery. */
  notice(n: LossNotice): void {
    const w: LossWindow = { from: this.lastKernel };
    if (this.all.waitingCount < MAX_WAITING) {
      this.waiting.push(w);
      this.all.waitingCount++;
    }
    n.recovery = { coveredBy: () => this.all.coveredBy(w) };
  }

  /** This stream lost lines of its own (a full queue): what it reads from now on proves nothing. */
  stop(): void {
    this.stopped = true;
  }
}

export class AuditCoverage {
  private readonly streams: StreamCoverage[] = [];
  /** Notices waiting for their stream's next kernel-log record, over all streams (bounded). */
  waitingCount = 0;

  /** The coverage of a new stream (one per parser), named for the operator. */
  stream(name: string): StreamCoverage {
    const s = new StreamCoverage(name, this);
    this.streams.push(s);
    return s;
  }

  coveredBy(w: LossWindow): string | undefined {
    if (w.from === undefined || w.to === undefined) return undefined;
    for (const s of this.streams) if (s.from <= w.from && s.to >= w.to) return s.name;
    return undefined;
  }
}
