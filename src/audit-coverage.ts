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
 * so its input is counted from a second after it. A live source that dropped lines stops counting
 * from then on (`stop`).
 */
import type { AppArmorRecord, LossNotice } from './model/record.js';

interface Span {
  name: string;
  from: number;
  to: number;
  stopped: boolean;
}

/** When the records a notice says were lost can have happened. */
interface LossWindow {
  from?: number;
  to?: number;
}

/** Notices that may still wait for their stream's next record. */
const MAX_WAITING = 10_000;

export class AuditCoverage {
  /** Per stream (one parser: one input or source): what its audit-channel records covered. */
  private readonly spans = new Map<string, Span>();
  private readonly lastKernel = new Map<string, number>();
  private readonly waiting = new Map<string, LossWindow[]>();
  private waitingCount = 0;

  /** One parsed record of `stream` (named `name` for the operator). */
  record(stream: string, name: string, r: AppArmorRecord): void {
    const t = r.time;
    if (t === undefined || r.timeApprox || r.timeInvalid) return;
    if (r.channel === 'audit') {
      const from = r.auditId !== undefined ? t : t + 1000;
      const s = this.spans.get(stream);
      if (!s) this.spans.set(stream, { name, from, to: t, stopped: false });
      else if (!s.stopped) {
        if (from < s.from) s.from = from;
        if (t > s.to) s.to = t;
      }
    } else if (r.channel === 'kernel') {
      this.lastKernel.set(stream, t);
      const w = this.waiting.get(stream);
      if (w) {
        const to = r.auditId !== undefined ? t : t + 1000;
        for (const x of w) x.to = to;
        this.waitingCount -= w.length;
        this.waiting.delete(stream);
      }
    }
  }

  /** A loss notice read from `stream`: a loss of the kernel log alone gets its recovery. */
  notice(stream: string, n: LossNotice): void {
    const w: LossWindow = { from: this.lastKernel.get(stream) };
    if (this.waitingCount < MAX_WAITING) {
      let list = this.waiting.get(stream);
      if (!list) this.waiting.set(stream, (list = []));
      list.push(w);
      this.waitingCount++;
    }
    n.recovery = { coveredBy: () => this.coveredBy(w) };
  }

  /** `stream` lost lines of its own (a full queue): what it reads from now on proves nothing. */
  stop(stream: string): void {
    const s = this.spans.get(stream);
    if (s) s.stopped = true;
    else this.spans.set(stream, { name: '', from: Infinity, to: -Infinity, stopped: true });
  }

  private coveredBy(w: LossWindow): string | undefined {
    if (w.from === undefined || w.to === undefined) return undefined;
    for (const s of this.spans.values()) if (s.from <= w.from && s.to >= w.to) return s.name;
    return undefined;
  }
}
