/**
 * The profiles and file rules aa-triage's profile index reads from one policy file, as JSON
 * (`{ "profile": ["/path", ...] }`, each list sorted, without repeats): what the kernel suite's
 * host checks compare with apparmor_parser's own view. Usage: node --import tsx profile-index.ts FILE
 */
import { readFileSync } from 'node:fs';
import { buildProfileIndex } from '../../src/profiles/index.js';

const file = process.argv[2];
const index = buildProfileIndex([{ path: '/etc/apparmor.d/policy', text: readFileSync(file, 'utf8') }], { roots: ['/etc/apparmor.d'] });
const out: Record<string, string[]> = {};
for (const p of index.profiles()) out[p.name] = [...new Set(p.fileRules.map((r) => r.glob.source))].sort();
process.stdout.write(`${JSON.stringify(out)}\n`);
