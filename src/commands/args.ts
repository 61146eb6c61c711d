/**
 * The command-line contract. One table of options for every command, parsed with node:util's
 * parseArgs (strict: unknown options are errors). Pure: argv in, CliOptions out.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isValidTime } from '../model/record.js';
import { SOURCE_NAMES, type SourceName } from '../sources/types.js';

export type Command = 'triage' | 'timeline' | 'act';
export const ACT_VERBS = ['complain', 'unload', 'disable', 'enforce', 'enable', 'allow', 'undo'] as const;
export type ActVerb = (typeof ACT_VERBS)[number];

export class UsageError extends Error {}

const OPTIONS = {
  input: { type: 'string', short: 'i', multiple: true },
  json: { type: 'boolean' },
  plain: { type: 'boolean' },
  raw: { type: 'boolean' },
  demo: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  'profiles-dir': { type: 'string', multiple: true },
  source: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  boot: { type: 'string' },
  'journal-dir': { type: 'string', multiple: true },
  'journal-file': { type: 'string', multiple: true },
  'no-follow': { type: 'boolean' },
  'boot-time': { type: 'string' },
  year: { type: 'string' },
  utc: { type: 'boolean' },
  tz: { type: 'string' },
  actions: { type: 'string' },
  securityfs: { type: 'string' },
  'read-only': { type: 'boolean' },
  'no-bell': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  format: { type: 'string' },
  gap: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  reason: { type: 'string' },
  runtime: { type: 'boolean' },
  rule: { type: 'string', multiple: true },
} as const;

export interface CliOptions {
  command: Command;
  help: boolean;
  version: boolean;
  inputs: string[];
  json: boolean;
  plain: boolean;
  raw: boolean;
  demo: boolean;
  profilesDirs: string[];
  /** undefined: every readable source. */
  sources?: SourceName[];
  since?: string;
  until?: string;
  boot?: string;
  journalDirs: string[];
  journalFiles: string[];
  follow: boolean;
  bootTime?: number;
  year?: number;
  utc: boolean;
  tz?: string;
  actionsFile?: string;
  securityfs?: string;
  readOnly: boolean;
  bell: boolean;
  color: boolean;
  format?: 'text' | 'markdown' | 'json';
  /** Seconds of quiet that split two incidents in the timeline. */
  gapSeconds?: number;
  act?: { verb: ActVerb; profile: string; dryRun: boolean; yes: boolean; reason?: string; runtime: boolean; rules?: string[] };
}

function parseTime(name: string, v: string): number {
  const t = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--${name}: not a time: ${v} (use ISO 8601, e.g. 2026-11-22T03:00:00Z, or epoch seconds)`);
  if (!isValidTime(t)) throw new UsageError(`--${name}: out of range: ${v} (a date no clock can show)`);
  return t;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const v = parsed.values;
  const pos = parsed.positionals;
  let command: Command = 'triage';
  let act: CliOptions['act'];
  if (pos[0] === 'timeline') {
    command = 'timeline';
    if (pos.length > 1) throw new UsageError(`timeline: unexpected argument: ${pos[1]} (inputs go with --input)`);
  } else if (pos[0] === 'act' && v.help) {
    // `act --help`, `act complain --help`: the help, whatever else is missing
    command = 'act';
  } else if (pos[0] === 'act') {
    command = 'act';
    const verb = pos[1];
    if (!verb || !(ACT_VERBS as readonly string[]).includes(verb)) throw new UsageError(`act: expected one of ${ACT_VERBS.join(', ')}, got ${verb ?? 'nothing'}`);
    if (verb === 'undo') {
      // the last action in the journal names its own profile
      if (pos.length > 2) throw new UsageError(`act undo takes no profile: it undoes the last action in the action journal (got ${pos[2]})`);
      if (v.rule?.length || v.runtime) throw new UsageError(`act undo: ${v.rule?.length ? '--rule' : '--runtime'} does not apply`);
      act = { verb: 'undo', profile: '', dryRun: !!v['dry-run'], yes: !!v.yes, reason: v.reason, runtime: false };
    } else {
      const profile = pos[2];
      if (!profile) throw new UsageError(`act ${verb}: which profile? (aa-triage act ${verb} PROFILE)`);
      if (pos.length > 3) throw new UsageError(`act: unexpected argument: ${pos[3]}`);
      if (verb === 'allow' && !v.rule?.length) throw new UsageError(`act allow: which rule? (aa-triage act allow PROFILE --rule 'RULE')`);
      if (verb !== 'allow' && v.rule?.length) throw new UsageError(`--rule goes with act allow, not act ${verb}`);
      act = { verb: verb as ActVerb, profile, dryRun: !!v['dry-run'], yes: !!v.yes, reason: v.reason, runtime: !!v.runtime, ...(v.rule?.length ? { rules: v.rule } : {}) };
    }
  } else if (pos.length > 0) {
    throw new UsageError(`unknown command: ${pos[0]} (commands: timeline, act; saved logs go with --input)`);
  }
  // flags that contradict each other: saying which one wins would hide the mistake
  if (v.json && v.plain) throw new UsageError('--json and --plain contradict each other: choose one');
  if (v.utc && v.tz !== undefined) throw new UsageError('--utc and --tz contradict each other: choose one');
  if (command === 'timeline' && v.json && v.format !== undefined && v.format !== 'json') throw new UsageError(`--json and --format ${v.format} contradict each other: choose one`);
  if (v.actions !== undefined && /^\/(?:proc|sys)(?:\/|$)/.test(resolve(v.actions))) {
    // kernel pseudo-filesystems: the journal cannot live there, and creating its directory there never ends
    throw new UsageError(`--actions: ${v.actions} is under /proc or /sys; give a file on a real filesystem`);
  }
  let sources: SourceName[] | undefined;
  if (v.source !== undefined) {
    sources = [];
    for (const s of v.source
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!(SOURCE_NAMES as readonly string[]).includes(s)) throw new UsageError(`--source: unknown source ${s} (known: ${SOURCE_NAMES.join(', ')})`);
      sources.push(s as SourceName);
    }
  }
  let format: CliOptions['format'];
  if (v.format !== undefined) {
    if (!['text', 'markdown', 'json'].includes(v.format)) throw new UsageError(`--format: expected text, markdown or json, got ${v.format}`);
    format = v.format as CliOptions['format'];
  }
  let year: number | undefined;
  if (v.year !== undefined) {
    year = Number(v.year);
    if (!Number.isInteger(year) || year < 1970 || year > 9999) throw new UsageError(`--year: not a year: ${v.year}`);
  }
  let gapSeconds: number | undefined;
  if (v.gap !== undefined) {
    gapSeconds = Number(v.gap);
    if (!(gapSeconds > 0) || !Number.isFinite(gapSeconds)) throw new UsageError(`--gap: expected seconds > 0, got ${v.gap}`);
  }
  if (v.boot !== undefined && !/^-?\d+$|^[0-9a-f]{32}$/.test(v.boot)) throw new UsageError(`--boot: expected a boot offset (0, -1, ...) or a boot id, got ${v.boot}`);
  const noColor = !!v['no-color'] || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  return {
    command,
    help: !!v.help,
    version: !!v.version,
    inputs: v.input ?? [],
    json: !!v.json,
    plain: !!v.plain,
    raw: !!v.raw,
    demo: !!v.demo,
    profilesDirs: v['profiles-dir'] ?? [],
    sources,
    since: v.since,
    until: v.until,
    boot: v.boot,
    journalDirs: v['journal-dir'] ?? [],
    journalFiles: v['journal-file'] ?? [],
    follow: !v['no-follow'],
    bootTime: v['boot-time'] !== undefined ? parseTime('boot-time', v['boot-time']) : undefined,
    year,
    utc: !!v.utc,
    tz: v.tz,
    actionsFile: v.actions,
    securityfs: v.securityfs,
    readOnly: !!v['read-only'],
    bell: !v['no-bell'],
    color: !noColor,
    format,
    gapSeconds,
    act,
  };
}

export const HELP = `aa-triage: live AppArmor incident triage in the terminal

Usage:
  aa-triage                         live: journal, audit channel, dmesg and audit.log of this host
  aa-triage --demo                  the bundled demo incident (no host data)
  aa-triage --input FILE [...]      replay saved logs (plain or .gz; - is stdin)
  aa-triage timeline [inputs]       forensic timeline of what happened
  aa-triage act VERB PROFILE        act on one profile: complain, unload, disable; undo: enforce, enable
  aa-triage act allow PROFILE --rule 'RULE'   add one rule (local/ include or a marked block), reload
  aa-triage act undo                undo the last action in the action journal (what z does)

Input:
  -i, --input PATH         saved log: dmesg, journalctl (short, iso, json, cat ...), syslog, audit.log; repeatable
      --journal-dir DIR    a copied journal directory (journalctl --directory); repeatable
      --journal-file FILE  a copied journal file (journalctl --file); repeatable
      --source LIST        live sources to use: journal,audit,dmesg,auditlog (default: every readable one)
      --since TIME         start of the window (journalctl syntax or ISO 8601)
      --until TIME         end of the window
      --boot N             journal boot offset or id (default: this boot)
      --no-follow          read what is there and exit, do not follow
      --boot-time TIME     wall-clock boot time, to date raw dmesg uptimes
      --year YYYY          year of syslog dates (they carry none)
      --demo               the bundled demo incident, clearly labelled DEMO

Profiles and actions:
      --profiles-dir DIR   where profiles are (default /etc/apparmor.d and /var/lib/snapd/apparmor/profiles)
      --securityfs DIR     AppArmor's securityfs (default /sys/kernel/security/apparmor)
      --actions FILE       action journal (default /var/log/aa-triage/actions.jsonl as root, else $XDG_STATE_HOME)
      --read-only          never act; actions are shown disabled
      --dry-run            act: print the exact command and change nothing
  -y, --yes                act: do not ask
      --reason TEXT        act: why (recorded in the journal; required to override a likely attack)
      --runtime            act complain: apparmor_parser -r -C (until the next reload), the file not edited
      --rule RULE          act allow: the rule to add (checked with apparmor_parser first); repeatable

Output:
      --json               NDJSON, one object per record (the default when stdout is not a terminal)
      --plain              readable lines instead of the interactive view
      --raw                include the raw evidence line in --json output
      --format FMT         timeline: text, markdown or json
      --gap SECONDS        timeline: quiet time that separates incidents
      --utc / --tz ZONE    show times in UTC or another zone
      --no-color           monochrome (also NO_COLOR=1); meaning never depends on colour
      --no-bell            no terminal bell on a new likely attack
  -h, --help               this help
  -V, --version            version

aa-triage never acts host-wide: it touches one profile, asks first, journals and verifies every change.
`;
