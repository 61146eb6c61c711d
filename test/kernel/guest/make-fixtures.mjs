// Turn the raw captures of a guest run into small fixtures for the ordinary test suite.
// Usage: node make-fixtures.mjs RAWDIR FIXTUREDIR EXPECT.tsv
// - kernel-log carriers (dmesg) are cut to the scenario window (between the kmsg markers)
// - journal captures already start at the phase's cursor
// - bursts are trimmed: records for /tmp/aa-scn/burst-N with N >= KEEP are dropped (the
//   kernel's "callbacks suppressed" lines are kept); audit.log drops their SYSCALL/PROCTITLE too
import fs from 'node:fs';
import path from 'node:path';

const [raw, fix, expectFile] = process.argv.slice(2);
const KEEP = Number(process.env.BURST_KEEP || 12);
const LIMIT = 190 * 1024;
const burstRe = /name=(?:\\?")?\/tmp\/aa-scn\/burst-(\d+)/;
const trimmed = (line) => {
  const m = burstRe.exec(line);
  return m && Number(m[1]) >= KEEP;
};
const read = (f) => fs.readFileSync(path.join(raw, f), 'utf8');
// a run that ended before its auditd phase was captured leaves those files out (said, not faked)
const have = (f) => fs.existsSync(path.join(raw, f)) || (console.error(`make-fixtures: no ${f}: its fixtures are left out`), false);
const write = (f, text) => {
  fs.writeFileSync(path.join(fix, f), text);
  const size = Buffer.byteLength(text);
  if (size > LIMIT) console.error(`make-fixtures: ${f} is ${size} bytes (over ${LIMIT})`);
};
const windowed = (text, phase) => {
  const lines = text.split('\n');
  const b = lines.findIndex((l) => l.includes(`aa-kernel-test: phase ${phase} begin`));
  const e = lines.findIndex((l) => l.includes(`aa-kernel-test: phase ${phase} end`));
  if (b < 0 || e < 0) return lines;
  return lines.slice(b, e + 1);
};

// dmesg text carriers
for (const [src, dst] of [
  ['dmesg.txt', 'dmesg.txt'],
  ['dmesg-T.txt', 'dmesg-T.txt'],
  ['dmesg-iso.txt', 'dmesg-iso.txt'],
  ['dmesg-r.txt', 'dmesg-r.txt'],
  ['dmesg-x.txt', 'dmesg-x.txt'],
]) {
  write(
    dst,
    windowed(read(src), 'noauditd')
      .filter((l) => !trimmed(l))
      .join('\n') + '\n',
  );
}
// dmesg --json (util-linux pretty-prints one entry over several lines, "},{" between entries):
// keep the header/footer and the entries of the window, in the original text
{
  const text = read('dmesg.json');
  const open = text.indexOf('[\n') + 2;
  const close = text.lastIndexOf('\n   ]');
  const SEP = '\n      },{\n';
  const chunks = text.slice(open, close).split(SEP);
  const b = chunks.findIndex((c) => c.includes('aa-kernel-test: phase noauditd begin'));
  const e = chunks.findIndex((c) => c.includes('aa-kernel-test: phase noauditd end'));
  let kept = chunks.slice(b, e + 1).filter((c) => !trimmed(c));
  // re-attach the braces the split took away
  kept = kept.map((c, i) => {
    let t = c.trim().startsWith('{') ? c : '      {\n' + c;
    if (!t.trimEnd().endsWith('}')) t += '\n      }';
    return t;
  });
  const out = text.slice(0, open) + kept.join(',').replace(/\n      \},      \{\n/g, SEP) + text.slice(close);
  JSON.parse(out); // must stay valid
  write('dmesg.json', out);
}
// journal carriers (line based; json is one object per line)
for (const o of ['short', 'short-iso', 'short-precise', 'short-monotonic', 'cat']) {
  write(
    `journal-k-${o}.txt`,
    read(`journal-k-${o}.txt`)
      .split('\n')
      .filter((l) => !trimmed(l))
      .join('\n'),
  );
}
write(
  'journal-k-json.ndjson',
  read('journal-k-json.txt')
    .split('\n')
    .filter((l) => !trimmed(l))
    .join('\n'),
);
write(
  'journal-audit-short.txt',
  read('journal-audit-short.txt')
    .split('\n')
    .filter((l) => !trimmed(l))
    .join('\n'),
);
write(
  'journal-audit-json.ndjson',
  read('journal-audit-json.txt')
    .split('\n')
    .filter((l) => !trimmed(l))
    .join('\n'),
);
// dmesg while auditd runs: the window shows what (little) the kernel log still gets
if (have('dmesg-auditd.txt')) write('dmesg-with-auditd.txt', windowed(read('dmesg-auditd.txt'), 'auditd').join('\n') + '\n');
// audit.log of the auditd phase: drop whole events (AVC + SYSCALL + PROCTITLE) of trimmed records
if (have('audit-phase.log')) {
  const lines = read('audit-phase.log').split('\n');
  const drop = new Set();
  for (const l of lines) {
    if (trimmed(l)) {
      const m = /audit\(\d+\.\d+:(\d+)\)/.exec(l);
      if (m) drop.add(m[1]);
    }
  }
  write(
    'audit.log',
    lines
      .filter((l) => {
        const m = /audit\(\d+\.\d+:(\d+)\)/.exec(l);
        return !(m && drop.has(m[1]));
      })
      .join('\n'),
  );
}
// expectations, trimmed the same way
write(
  'expected-records.tsv',
  fs
    .readFileSync(expectFile, 'utf8')
    .split('\n')
    .filter((l) => {
      const m = /\tburst-(\d+)\t/.exec(l);
      return !(m && Number(m[1]) >= KEEP);
    })
    .join('\n'),
);
for (const f of fs.readdirSync(fix).sort()) {
  console.log(`${f}\t${fs.statSync(path.join(fix, f)).size}`);
}
