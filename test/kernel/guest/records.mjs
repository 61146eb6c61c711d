// A deliberately small, independent reader of AppArmor records for the suite's own checks
// (ground truth from the kernel's carriers). It is not aa-triage's parser and must not share code
// with it, so that the suite checks aa-triage against something else.
import fs from 'node:fs';

const HEX_KEYS = new Set(['name', 'name2', 'profile', 'label', 'peer', 'peer_label', 'comm', 'exe', 'namespace', 'target', 'srcname', 'execpath', 'addr', 'peer_addr']);
const FIELD = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|[^\s"\x1d]+)/g;

export function fields(text) {
  const out = {};
  for (const m of text.matchAll(FIELD)) {
    let [, k, v] = m;
    if (v.startsWith('"')) v = v.slice(1, -1);
    else if (HEX_KEYS.has(k) && /^(?:[0-9A-F]{2})+$/.test(v)) v = Buffer.from(v, 'hex').toString('utf8');
    if (!(k in out)) out[k] = v; // first occurrence wins (msg='...' nesting is not needed here)
  }
  return out;
}

// One AppArmor record per carrier line that has apparmor=...; { serial, stamp, fields, raw }
function fromTextLine(line) {
  // the kernel always quotes the apparmor= value; this also skips the kernel command line
  const i = line.indexOf('apparmor="');
  if (i < 0) return null;
  const m = /audit\((\d+\.\d+):(\d+)\)/.exec(line);
  return { stamp: m ? m[1] : null, serial: m ? m[2] : null, fields: fields(line.slice(i)), raw: line };
}

export function readText(file) {
  return fs.readFileSync(file, 'utf8').split('\n').map(fromTextLine).filter(Boolean);
}

// journalctl -o json (one object per line); MESSAGE has no audit(...) prefix, _AUDIT_ID has the serial
export function readJournalJson(file) {
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    let msg = e.MESSAGE;
    if (Array.isArray(msg)) msg = Buffer.from(msg).toString('utf8');
    if (typeof msg !== 'string') continue;
    const r = fromTextLine(msg);
    if (!r) continue; // e.g. the kernel command line (apparmor=1)
    if (!r.serial && e._AUDIT_ID) {
      r.serial = String(e._AUDIT_ID);
      const us = e._SOURCE_REALTIME_TIMESTAMP || e.__REALTIME_TIMESTAMP;
      r.stamp = us ? (Number(BigInt(us) / 1000n) / 1000).toFixed(3) : null;
    }
    out.push(r);
  }
  return out;
}

export function readExpect(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [phase, mode, scenario, ...kv] = line.split('\t');
      const want = {};
      for (const p of kv.join('\t').split('\t')) {
        const j = p.indexOf('=');
        if (j > 0) want[p.slice(0, j)] = p.slice(j + 1);
      }
      return { phase, mode, scenario, want };
    });
}

export function matches(rec, want) {
  for (const [k, v] of Object.entries(want)) if (rec[k] !== v) return false;
  return true;
}

// identity of a record: serial plus its fields (one audit event can carry several records)
export function identity(serial, f) {
  const keys = Object.keys(f)
    .filter((k) => !['FSUID', 'OUID'].includes(k))
    .sort();
  return `${serial}|${keys.map((k) => `${k}=${f[k]}`).join(' ')}`;
}
