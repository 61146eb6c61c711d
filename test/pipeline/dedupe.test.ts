import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentTable } from '../../src/pipeline/recent-table.js';
import { RecordDeduper, contentHash } from '../../src/pipeline/dedupe.js';
import type { AppArmorRecord } from '../../src/model/record.js';
import { prng } from '../../bench/generate.mjs';

function rec(fields: Record<string, string>, extra: Partial<AppArmorRecord> = {}): AppArmorRecord {
  return { kind: 'DENIED', fields: { apparmor: 'DENIED', ...fields }, carrier: 'dmesg', source: { name: 't', line: 1 }, raw: '', ...extra };
}
const cap = { operation: 'capable', profile: 'p', pid: '5', comm: 'x', capname: 'dac_read_search' };

test('the same record from two carriers is one; enrichment fields do not matter', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec({ ...cap, FSUID: 'root' }, { auditId: '1.000:7', time: 1000, carrier: 'auditlog' })), false);
  assert.equal(d.duplicates, 1);
});

test('one audit id carrying two different records keeps both', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec({ ...cap, capname: 'dac_override' }, { auditId: '1.000:7', time: 1000 })), true);
});

test('a copy is found whatever order the serials came in: a later one, a copy of an earlier one, a reboot starting over', () => {
  const d = new RecordDeduper();
  const id = (serial: number, time = serial) => ({ auditId: `${time}.000:${serial}`, serial, time: time * 1000 });
  assert.equal(d.admit(rec(cap, id(10))), true);
  assert.equal(d.admit(rec(cap, id(12))), true);
  assert.equal(d.admit(rec(cap, id(10))), false, 'a copy of one before the highest serial');
  assert.equal(d.admit(rec(cap, id(12))), false, 'a copy of the highest');
  assert.equal(d.admit(rec({ ...cap, capname: 'dac_override' }, id(12))), true, 'another record of the same event');
  assert.equal(d.admit(rec(cap, id(11))), true, 'a serial never met, below the highest');
  assert.equal(d.admit(rec(cap, id(11))), false);
  // after a reboot the serials start over: the same serial at another time is another id
  assert.equal(d.admit(rec(cap, id(10, 500))), true);
  assert.equal(d.admit(rec(cap, id(10, 500))), false);
  assert.equal(d.duplicates, 4);
});

test('the same denial repeated under two ids is two events', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec(cap, { auditId: '1.001:8', time: 1001 })), true);
});

test('a copy without an id (journal short of the audit channel) merges with its copy within 2 s, in either order', () => {
  const d = new RecordDeduper();
  assert.equal(d.admit(rec(cap, { auditId: '1.000:7', time: 1000 })), true);
  assert.equal(d.admit(rec(cap, { time: 1500 })), false);
  assert.equal(d.admit(rec(cap, { time: 1600 })), true, 'a second id-less copy is a new event');
  const e = new RecordDeduper();
  assert.equal(e.admit(rec(cap, { time: 5000 })), true);
  assert.equal(e.admit(rec(cap, { auditId: '5.100:9', time: 5100 })), false);
  assert.equal(e.admit(rec(cap, { time: 60_000 })), true, 'far apart in time: not the same');
});

test('memory is bounded: old keys are forgotten, the most recent are kept', () => {
  const d = new RecordDeduper(10); // 1024 slots: at least 512 keys remembered
  for (let i = 0; i < 5000; i++) assert.equal(d.admit(rec({ ...cap, pid: String(i) }, { auditId: `1.000:${i}`, time: i })), true);
  for (let i = 4500; i < 5000; i++) assert.equal(d.admit(rec({ ...cap, pid: String(i) }, { auditId: `1.000:${i}`, time: i })), false, `recent key ${i} still known`);
  assert.equal(d.admit(rec({ ...cap, pid: '3' }, { auditId: '1.000:3', time: 3 })), true, 'an old key is forgotten');
});

test('recent table: get, set, delete, and generations keep the newest keys', () => {
  const t = new RecentTable(4); // 16 slots, a generation turns over at 8 keys
  t.set(5, 1.5);
  t.set(0x3fffffff, 2);
  t.set(0, 3);
  assert.equal(t.get(5), 1.5);
  assert.equal(t.get(0x3fffffff), 2);
  assert.equal(t.get(0), 3, 'key 0 is a key like any other');
  assert.equal(t.get(6), undefined);
  t.delete(5);
  assert.equal(t.get(5), undefined);
  t.set(5, 7);
  assert.equal(t.get(5), 7, 'set again after delete');
  for (let k = 100; k < 130; k++) t.set(k, k * 64 + 1);
  for (let k = 122; k < 130; k++) assert.equal(t.get(k), k * 64 + 1);
  assert.equal(t.get(0), undefined, 'two generations ago: forgotten');
});

for (const [log2, steps, range] of [
  [15, 200_000, 40_000], // starts with 2^12 slots and grows once, to its bound
  [17, 600_000, 100_000], // grows to 2^15, then to its bound (less than a growth's factor): turned over twice
]) {
  test(`recent table whose arrays grow as it fills (2^${log2} slots): every answer as from two generations of maps turned over at half the slots`, () => {
    const t = new RecentTable(log2);
    let young = new Map<number, number>();
    let old = new Map<number, number>();
    /** Keys set since the young generation began, forgotten ones too (they keep their slot). */
    let youngKeys = new Set<number>();
    let turnovers = 0;
    const random = prng(7);
    const next = (): number => Math.floor(random() * 2 ** 32);
    for (let i = 0; i < steps; i++) {
      const r = next();
      // keys from a range small enough to repeat, some above 30 bits (the table keeps 30)
      const key = (r % 3 === 0 ? next() : next() % range) & 0x3fffffff;
      const op = r % 10;
      if (op < 5) {
        const want = youngKeys.has(key) ? young.get(key) : old.get(key);
        assert.equal(t.get(key), want, `get ${key} at step ${i}`);
      } else if (op < 9) {
        t.set(key, i);
        young.set(key, i);
        youngKeys.add(key);
        if (youngKeys.size * 2 >= 1 << log2) {
          old = young;
          young = new Map();
          youngKeys = new Set();
          turnovers++;
        }
      } else {
        t.delete(key);
        young.delete(key);
        old.delete(key);
      }
    }
    assert.ok(turnovers >= 2, `generations turned over ${turnovers} times`);
  });
}

/**
 * What the deduper decides, with unbounded maps and nothing deferred: every exact key (audit id
 * and content) remembered, and the copies with an id kept in their table from the first record.
 */
class DeduperModel {
  private exact = new Set<string>();
  private withId = new Map<number, { at: number; n: number }>();
  private withoutId = new Map<number, { at: number; n: number }>();

  admit(r: AppArmorRecord): boolean {
    const [c1, c2] = contentHash(r);
    const t = r.time ?? 0;
    if (r.auditId !== undefined) {
      const k = `${r.auditId} ${c1} ${c2}`;
      if (this.exact.has(k)) return false;
      this.exact.add(k);
      if (this.take(this.withoutId, c1, t)) return false;
      this.add(this.withId, c1, t);
      return true;
    }
    if (this.take(this.withId, c1, t)) return false;
    this.add(this.withoutId, c1, t);
    return true;
  }

  private take(m: Map<number, { at: number; n: number }>, k: number, t: number): boolean {
    const v = m.get(k);
    if (v === undefined || Math.abs(v.at - t) > 2000) return false;
    if (v.n <= 1) m.delete(k);
    else v.n--;
    return true;
  }

  private add(m: Map<number, { at: number; n: number }>, k: number, t: number): void {
    const v = m.get(k);
    m.set(k, { at: t, n: v !== undefined && Math.abs(v.at - t) <= 2000 ? Math.min(v.n + 1, 63) : 1 });
  }
}

test("every answer is the unbounded model's: copies from the other channel, with and without ids, inputs read one after another, a reboot", () => {
  const random = prng(5);
  const contents = Array.from({ length: 40 }, (_, i) => ({ ...cap, pid: String(100 + (i % 7)), capname: `c${i}` }));
  const d = new RecordDeduper();
  const model = new DeduperModel();
  const seen: AppArmorRecord[] = [];
  let serial = 5000;
  let time = 1_000_000;
  let runs = 1;
  for (let i = 0; i < 30_000; i++) {
    time += Math.floor(random() * 40);
    const x = random();
    let r: AppArmorRecord;
    if (x < 0.15 && seen.length > 0) {
      // a copy of a recent record: the same id, or the journal's copy without one
      const was = seen[seen.length - 1 - Math.floor(random() * Math.min(seen.length, 200))];
      r = random() < 0.5 ? { ...was } : { ...was, auditId: undefined, serial: undefined, time: (was.time ?? 0) + Math.floor(random() * 3000) };
    } else if (x < 0.2) {
      // a record without an id at all
      r = rec(contents[Math.floor(random() * contents.length)], { time });
    } else {
      if (random() < 0.001 && runs < 10) {
        // the next input, or a reboot: serials start lower
        serial = Math.floor(random() * 5000);
        runs++;
      } else if (random() < 0.8) serial++;
      r = rec(contents[Math.floor(random() * contents.length)], { auditId: `${Math.floor(time / 1000)}.${String(time % 1000).padStart(3, '0')}:${serial}`, serial, time });
    }
    seen.push(r);
    assert.equal(d.admit(r), model.admit(r), `record ${i}`);
  }
  assert.ok(runs >= 3, `${runs} runs`);
});
