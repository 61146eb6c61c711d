/**
 * Wires the stages for any set of inputs: each input gets its own LineParser (its own line
 * numbers), all share one deduper and one enrichment step (profiles + classification), and
 * everything that survives goes to one sink. Counters for the end-of-run summary live here.
 */
import { kernelLogLoss, type AppArmorRecord, type LossNotice, type Unparsable } from '../model/record.js';
import { AuditCoverage, type StreamCoverage } from './audit-coverage.js';
import type { ClockContext } from '../parse/prefix.js';
import { LineParser } from '../parse/line-parser.js';
import { RecordDeduper } from './dedupe.js';

export interface PipelineSink {
  record(r: AppArmorRecord): void;
  unparsable?(u: Unparsable): void;
  loss?(n: LossNotice): void;
}

export interface PipelineCounts {
  lines: number;
  records: number;
  unparsable: number;
  duplicates: number;
  /** Lines cut because they were longer than the line limit. */
  cut: number;
  /** journald entries whose message was too large (null). */
  nullMessages: number;
  /** Records the kernel or audit subsystem said it lost, by notice kind. */
  lost: Record<string, number>;
  /** Of those, by kind, what an audit-channel input read here holds (as of collect()). */
  recovered?: Record<string, number>;
  /** The audit-channel input that recovered them (the first one named). */
  recoveredFrom?: string;
  firstUnparsable: Unparsable[];
}

export interface PipelineOptions {
  clock?: ClockContext;
  /** Adds profile facts and the classification to a record (pure, per record). */
  enrich?: (r: AppArmorRecord) => void;
  dedupe?: boolean;
  /** Every line through the parser's general path (the equivalence tests' reference). */
  plain?: boolean;
}

export class Pipeline {
  readonly counts: PipelineCounts = { lines: 0, records: 0, unparsable: 0, duplicates: 0, cut: 0, nullMessages: 0, lost: {}, firstUnparsable: [] };
  /** What the audit channel read here covered: which kernel-log losses it made good. */
  readonly coverage = new AuditCoverage();
  private readonly streamCoverage: StreamCoverage[] = [];
  private readonly deduper = new RecordDeduper();
  private readonly parsers: LineParser[] = [];
  /** Kernel-log loss notices, for the summary's recovered count (bounded: past it, not counted as recovered). */
  private readonly recoverable: LossNotice[] = [];
  /** Loss notice keys, with how often each parser gave each. */
  private readonly lossKeys = new Map<string, Map<string, number>>();
  /** The last audit stamp each parser read: where in the kernel log a loss notice stands. */
  private readonly lastAuditId = new Map<string, string>();

  constructor(
    private readonly sink: PipelineSink,
    private readonly opts: PipelineOptions = {},
  ) {}

  /** A parser for one input or source; its line numbers are its own. */
  parserFor(sourceName: string): LineParser {
    const carrier = String(this.parsers.length);
    const coverage = this.coverage.stream(sourceName);
    this.streamCoverage.push(coverage);
    const p = new LineParser(
      sourceName,
      {
        record: (r) => {
          if (r.auditId !== undefined) this.lastAuditId.set(carrier, r.auditId);
          coverage.record(r);
          this.accept(r);
        },
        unparsable: (u) => {
          this.counts.unparsable++;
          if (this.counts.firstUnparsable.length < 20) this.counts.firstUnparsable.push(u);
          this.sink.unparsable?.(u);
        },
        loss: (n) => {
          if (this.seenLoss(n, carrier)) return;
          if (kernelLogLoss(n.kind)) {
            coverage.notice(n);
            if (this.recoverable.length < 10_000) this.recoverable.push(n);
          }
          if (n.kind === 'audit-lost')
            this.counts.lost[n.kind] = Math.max(this.counts.lost[n.kind] ?? 0, n.count); // cumulative in the kernel
          else this.counts.lost[n.kind] = (this.counts.lost[n.kind] ?? 0) + n.count;
          this.sink.loss?.(n);
        },
      },
      this.opts.clock ?? {},
      { plain: this.opts.plain },
    );
    this.parsers.push(p);
    return p;
  }

  /**
   * The same kernel notice read from two carriers (dmesg and journalctl -k both carry
   * `kauditd_printk_skb: N callbacks suppressed`) is one loss. A notice is known by its kind, its
   * count and where the kernel printed it: after which audit record (its `audit(SEC.MS:SERIAL)`
   * stamp is kernel time whatever the carrier, even one that shows no time at all), else at which
   * uptime. The same key met again in the carrier that gave it is another notice; met in another
   * carrier, as often as there, it is the same one.
   */
  private seenLoss(n: LossNotice, parser: string): boolean {
    const after = this.lastAuditId.get(parser);
    const at = after !== undefined ? `after ${after}` : n.uptime !== undefined ? `at ${Math.round(n.uptime * 1000)}` : undefined;
    if (at === undefined) return false;
    const key = `${n.kind}:${n.count}:${at}`;
    let seen = this.lossKeys.get(key);
    if (!seen) {
      seen = new Map();
      this.lossKeys.set(key, seen);
      if (this.lossKeys.size > 10_000) this.lossKeys.delete(this.lossKeys.keys().next().value as string);
    }
    const times = (seen.get(parser) ?? 0) + 1;
    seen.set(parser, times);
    for (const [other, t] of seen) if (other !== parser && t >= times) return true;
    return false;
  }

  private accept(r: AppArmorRecord): void {
    if (this.opts.dedupe !== false && !this.deduper.admit(r)) {
      this.counts.duplicates++;
      return;
    }
    this.counts.records++;
    this.opts.enrich?.(r);
    this.sink.record(r);
  }

  /** The parser `p` (from parserFor) lost lines before it read them: its coverage ends here. */
  linesLost(p: LineParser): void {
    const i = this.parsers.indexOf(p);
    if (i >= 0) this.streamCoverage[i].stop();
  }

  /** Line totals from every parser (call after the inputs ended). */
  collect(extra: { cut?: number } = {}): PipelineCounts {
    this.counts.lines = this.parsers.reduce((n, p) => n + p.stats.lines, 0);
    this.counts.nullMessages = this.parsers.reduce((n, p) => n + p.stats.nullMessages, 0);
    this.counts.cut += extra.cut ?? 0;
    const recovered: Record<string, number> = {};
    for (const n of this.recoverable) {
      const by = n.recovery?.coveredBy();
      if (by === undefined) continue;
      recovered[n.kind] = (recovered[n.kind] ?? 0) + n.count;
      this.counts.recoveredFrom ??= by;
    }
    if (Object.keys(recovered).length) this.counts.recovered = recovered;
    return this.counts;
  }
}

export function summaryLine(c: PipelineCounts, prefix = 'aa-triage'): string {
  const parts = [`${c.lines} lines read`, `${c.records} AppArmor records`];
  parts.push(`${c.unparsable} unparsable${c.firstUnparsable.length ? ` (first: ${c.firstUnparsable[0].source.name}:${c.firstUnparsable[0].source.line})` : ''}`);
  parts.push(`${c.duplicates} duplicates merged`);
  const lost = Object.entries(c.lost).map(([k, n]) => {
    const r = c.recovered?.[k] ?? 0;
    if (r === 0) return `${k} ${n}`;
    return `${k} ${n} (${r === n ? 'all' : r} suppressed in the kernel log, recovered from the audit channel: ${c.recoveredFrom})`;
  });
  if (lost.length) parts.push(`loss reported in the log: ${lost.join(', ')}`);
  if (c.cut) parts.push(`${c.cut} over-long lines cut`);
  if (c.nullMessages) parts.push(`${c.nullMessages} journal messages too large (null)`);
  return `${prefix}: ${parts.join(', ')}`;
}
