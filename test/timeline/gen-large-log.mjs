// Writes a large saved log for measuring `aa-triage timeline` (memory and time): syslog-style
// kernel lines, most of them ordinary chatter, one in five an AppArmor record spread over a few
// dozen profiles with distinct paths, bursts separated by quiet gaps, an attack in the middle.
// Usage: node test/timeline/gen-large-log.mjs OUT LINES [steady]
// With `steady` as third argument there are no quiet gaps: the incidents stay few however long the log.
import { createWriteStream } from 'node:fs';

const [out, linesArg] = process.argv.slice(2);
const lines = Number(linesArg ?? 500_000);
const steady = process.argv[4] === 'steady';
const w = createWriteStream(out);
const t0 = Date.UTC(2026, 10, 22, 0, 0, 0);
let serial = 1;
const pad = (n) => String(n).padStart(2, '0');
function stamp(ms) {
  const d = new Date(ms);
  return `2026-11-22T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0000`;
}
for (let i = 0; i < lines; i++) {
  // 24 hours; every 4000 lines a 10-minute quiet gap
  const ms = t0 + i * 100 + (steady ? 0 : Math.floor(i / 4000) * 600_000);
  const sec = (ms / 1000).toFixed(3);
  let line;
  if (i % 5 !== 0) line = `${stamp(ms)} web-01 kernel: e1000e 0000:00:19.0 eth0: rx ${i} packets, nothing to see`;
  else if (i === Math.floor(lines / 2))
    line = `${stamp(ms)} web-01 kernel: audit: type=1400 audit(${sec}:${serial++}): apparmor="DENIED" operation="exec" class="file" profile="/usr/sbin/nginx" name="/usr/bin/dash" pid=2211 comm="nginx" requested_mask="x" denied_mask="x" fsuid=33 ouid=0 target="/usr/bin/dash"`;
  else {
    const p = (i / 5) % 37;
    line = `${stamp(ms)} web-01 kernel: audit: type=1400 audit(${sec}:${serial++}): apparmor="DENIED" operation="open" class="file" profile="/opt/app${p}" name="/srv/data/app${p}/file${i % 9973}.dat" pid=${3000 + (i % 700)} comm="app${p}" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000`;
  }
  if (!w.write(`${line}\n`)) await new Promise((r) => w.once('drain', r));
}
w.end();
