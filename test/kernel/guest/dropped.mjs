// Records of journald's audit channel that the kernel log (dmesg) does not have.
// Usage: node dropped.mjs DMESG.txt AUDIT-CHANNEL.json OUT.txt  (adds a line to observations.txt)
import fs from 'node:fs';
import { readText, readJournalJson, identity } from './records.mjs';

const [dmesg, audit, out] = process.argv.slice(2);
const k = new Set(readText(dmesg).map((r) => identity(r.serial, r.fields)));
const lost = readJournalJson(audit).filter((r) => !k.has(identity(r.serial, r.fields)));
fs.writeFileSync(out, lost.map((r) => `serial ${r.serial}: ${r.raw}`).join('\n') + '\n');
fs.appendFileSync('observations.txt', `live: ${lost.length} records of journald's audit channel are not in dmesg (dropped by the kernel log, or logged while auditd ran)\n`);
