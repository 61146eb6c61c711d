import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialLog } from '../../src/pipeline/serial-log.js';
import { prng } from '../../bench/generate.mjs';

test('serial log: a key is found by its serial, key and value; one serial holds several keys', () => {
  const log = new SerialLog(8);
  log.add(10, 1, 100);
  log.add(10, 2, 200);
  log.add(12, 3, 300);
  assert.equal(log.has(10, 1, 100), true);
  assert.equal(log.has(10, 2, 200), true);
  assert.equal(log.has(10, 2, 999), false, 'another value');
  assert.equal(log.has(11, 1, 100), false, 'another serial');
  assert.equal(log.has(13, 3, 300), false, 'above every serial');
  // the serials go down (another input, a reboot): a second run, both searched
  log.add(5, 4, 400);
  log.add(11, 5, 500);
  assert.equal(log.has(5, 4, 400), true);
  assert.equal(log.has(11, 5, 500), true);
  assert.equal(log.has(12, 3, 300), true, 'the first run still searched');
});

/** The last `size` keys added, as the log keeps them before it moves to a table. */
function lastAdded(adds: [number, number, number][], size: number, serial: number, key: number, value: number): boolean {
  for (let j = Math.max(0, adds.length - size); j < adds.length; j++) if (adds[j][0] === serial && adds[j][1] === key && adds[j][2] === value) return true;
  return false;
}

test('serial log: in runs (serials mostly rising, starting over now and then), every answer is that of the last 2^n keys added', () => {
  const log2 = 9;
  const log = new SerialLog(log2);
  const random = prng(11);
  const adds: [number, number, number][] = [];
  let serial = 1000;
  let runs = 1;
  for (let i = 0; i < 20_000; i++) {
    const r = random();
    if (r < 0.5) {
      // a key asked: often one added lately, sometimes one never added or with another value
      const pick = adds.length > 0 ? adds[adds.length - 1 - Math.floor(random() * Math.min(adds.length, 700))] : [1, 1, 1];
      const [s, k, v] = random() < 0.2 ? [pick[0], pick[1], pick[2] + 1] : pick;
      assert.equal(log.has(s, k, v), lastAdded(adds, 1 << log2, s, k, v), `has ${s} ${k} ${v} at step ${i}`);
    } else {
      // a few runs only (each 2,000 keys or so), so the log stays a log: every run but the last wholly forgotten by then
      if (random() < 0.0005 && runs < 12) {
        serial = Math.floor(random() * 1000);
        runs++;
      } else if (random() < 0.7) serial += 1 + Math.floor(random() * 3);
      const key = Math.floor(random() * 2 ** 30);
      log.add(serial, key, key ^ 0x1234);
      adds.push([serial, key, key ^ 0x1234]);
    }
  }
  assert.ok(runs >= 3, `${runs} runs`);
});

test('serial log: past 16 runs (inputs interleaved) the keys move to a table and are still found', () => {
  const log = new SerialLog(10);
  const keys: [number, number][] = [];
  for (let i = 0; i < 400; i++) {
    // two inputs interleaved: the serials go down every other key
    const serial = i % 2 === 0 ? 5000 + i : 100 + i;
    const key = (i * 2654435761) & 0x3fffffff;
    log.add(serial, key, i);
    keys.push([serial, key]);
  }
  for (let i = 0; i < keys.length; i++) assert.equal(log.has(keys[i][0], keys[i][1], i), true, `key ${i}`);
  assert.equal(log.has(keys[3][0], keys[3][1], 4), false, 'another value');
  assert.equal(log.has(9999, 12345, 1), false, 'never added');
});
