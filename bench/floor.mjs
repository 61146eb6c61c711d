// The runtime's floor for this work: the least a Node program does to turn a log into one object
// per AppArmor record, and nothing more. Each line holding `apparmor=` is found in the raw bytes
// (the rest is never decoded), made a string, and split into a key -> value object; no carrier
// prefix, no time, no hex, no merging, no classification. aa-triage does all of that on top, so its
// in-process time cannot go below this one; the benchmark reports it beside the target.
//
//   node bench/floor.mjs FILE     prints {seconds, cpuSeconds, records, maxRssKB} as JSON
import { closeSync, openSync, readSync } from 'node:fs';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: floor FILE\n');
  process.exit(2);
}
const NL = 0x0a;
const needle = Buffer.from('apparmor=');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const fd = openSync(path, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let carry = Buffer.alloc(0);
let records = 0;
let kept = 0; // read from every object, so no work is optimised away

function split(line) {
  const f = {};
  let i = line.indexOf('apparmor=');
  while (i < line.length) {
    const eq = line.indexOf('=', i);
    if (eq < 0) break;
    let end;
    let value;
    if (line.charCodeAt(eq + 1) === 0x22) {
      end = line.indexOf('"', eq + 2);
      if (end < 0) end = line.length;
      value = line.slice(eq + 2, end);
      end++;
    } else {
      end = line.indexOf(' ', eq);
      if (end < 0) end = line.length;
      value = line.slice(eq + 1, end);
    }
    f[line.slice(i, eq)] = value;
    i = end + 1;
  }
  return f;
}

for (;;) {
  const n = readSync(fd, buf, 0, buf.length, null);
  const chunk = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
  // whole lines only; at the end of the file the last line is whole too
  const last = n === 0 ? chunk.length : chunk.lastIndexOf(NL);
  for (let a = chunk.indexOf(needle); a >= 0 && a < last;) {
    const start = chunk.lastIndexOf(NL, a) + 1;
    let end = chunk.indexOf(NL, a);
    if (end < 0) end = chunk.length;
    const f = split(chunk.toString('utf8', start, end));
    records++;
    kept += f.apparmor === undefined ? 0 : 1;
    a = chunk.indexOf(needle, end);
  }
  if (n === 0) break;
  carry = Buffer.from(chunk.subarray(last + 1));
}
closeSync(fd);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, records, kept, maxRssKB: process.resourceUsage().maxRSS })}\n`);
