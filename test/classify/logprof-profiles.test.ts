/**
 * libapparmor's test events beside the profile aa-logprof writes from each (test/fixtures/libapparmor
 * profiles.jsonl, the `.profile` files of AppArmor's own test corpus): the rules aa-triage suggests
 * for each event, whatever the verdict, are those rules, spelled otherwise, or differ in one of the
 * ways named below, each checked for what it claims. A new kind of difference fails the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatherFacts } from '../../src/classify/facts.js';
import { missingRuleSuggestion } from '../../src/classify/suggest.js';
import { isDenial, type AppArmorRecord } from '../../src/model/record.js';
import { parseLenient, ruleSpelling } from './helpers.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'libapparmor');
const read = <T>(file: string) =>
  readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
const INPUTS = new Map(read<{ case: string; in: string }>('cases.jsonl').map((c) => [c.case, c.in]));
const PROFILES = read<{ case: string; profile: string }>('profiles.jsonl');

/** The rule lines of a profile aa-logprof wrote (no headers, braces or comments). */
function rulesOf(profile: string): string[] {
  return profile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.endsWith('{') && l !== '}' && !l.startsWith('#') && !l.startsWith('^'));
}

/** An AppArmor variable or glob in our rule matching the literal in theirs. */
function matchesLiteral(ours: string, theirs: string): boolean {
  const re = ruleSpelling(ours)
    .replace(/[.+^$()|\\]/g, '\\$&')
    .replace(/@\\\{HOME\\\}|@\{HOME\}/g, '/home/[^/]+')
    .replace(/@\{(?:uid|pid|pids|tid)\}/g, '[0-9]+')
    .replace(/\[0-9\]\*/g, '[0-9]+');
  return new RegExp(`^${re}$`).test(ruleSpelling(theirs));
}

interface Kind {
  why: string;
  /** Whether this pair of rules differs in exactly this way. */
  holds(ours: string[], theirs: string[], r: AppArmorRecord): boolean;
}

const one = (f: (o: string, t: string, r: AppArmorRecord) => boolean) => (ours: string[], theirs: string[], r: AppArmorRecord) => ours.length === 1 && theirs.length === 1 && f(ours[0], theirs[0], r);

const KINDS: Record<string, Kind> = {
  owner: {
    why: "aa-logprof writes `owner` for every file the process's fsuid owns; aa-triage only for a user's files (under a home, /tmp, /var/tmp or /run/user, fsuid not root), as profiles write them",
    holds: one((o, t, r) => ruleSpelling(t) === `owner ${ruleSpelling(o)}` && r.fields.fsuid !== undefined && r.fields.fsuid === r.fields.ouid),
  },
  'exec-mr': {
    why: 'aa-logprof adds m and r to an exec rule by default; the kernel asked for x alone',
    holds: one((o, t) => ruleSpelling(t) === ruleSpelling(o).replace(/ ix,$/, ' mrix,')),
  },
  'network-conditions': {
    why: 'addresses, ports and network permissions need fine-grained network mediation (AppArmor 4.1 on a kernel that has it), which a kernel that logs them need not have',
    holds: one((o, t) => /^network \w+ \w+,$/.test(o) && t.startsWith('network') && t.includes(o.slice(8, -1).split(' ')[0]) && t.includes(o.slice(8, -1).split(' ')[1])),
  },
  'dbus-name': {
    why: 'narrower: the destination name the record gives is a condition too',
    holds: one((o, t) => ruleSpelling(o.replace(/name=[^,)\s]+(?:, )?/, '').replace(' peer=()', '')) === ruleSpelling(t)),
  },
  generalised: {
    why: 'the part that changes from run to run (a home, a uid) is written as the variable profiles use',
    holds: one((o, t) => /@\{|\[0-9\]/.test(o) && matchesLiteral(o, t)),
  },
  remount: {
    why: "the same rule: `remount` is AppArmor's word for a mount with the remount option",
    holds: one((o, t) => {
      const m = /^remount options=\(([^)]*)\) (\S+),$/.exec(o);
      return !!m && ruleSpelling(t) === ruleSpelling(`mount options=(remount, ${m[1]}) -> ${m[2]},`);
    }),
  },
  userns: {
    why: 'the same rule: create is the only user-namespace permission, and shipped profiles write `userns,`',
    holds: one((o, t) => o === 'userns,' && t === 'userns create,'),
  },
  'no-name': {
    why: 'no rule: a message queue without its name would allow every queue of that type',
    holds: (o, t) => o.length === 0 && t.length === 1 && /^mqueue \S+ type=\w+,$/.test(t[0]),
  },
  'not-a-denial': {
    why: 'no rule: an AUDIT record reports an access the policy allowed and audits',
    holds: (o, t, r) => o.length === 0 && t.length === 1 && r.kind === 'AUDIT',
  },
  'requested-only': {
    why: 'the record names the requested permission and no denied one; the rule allows only what was requested',
    holds: (o, t, r) => t.length === 0 && o.length === 1 && r.fields.denied_mask === undefined && r.fields.denied === undefined,
  },
};

/** Each case that differs, by how. */
const DIFFERENT: Record<string, string> = {
  avc_syslog_01: 'owner',
  exec01: 'exec-mr',
  exec02: 'exec-mr',
  file_inherit_network_lp1509030: 'network-conditions',
  file_perm_network_lp1466812: 'network-conditions',
  file_perm_network_receive_lp1577051: 'network-conditions',
  file_perm_network_receive_lp1582374: 'network-conditions',
  posix_mqueue_disconnected_no_name: 'no-name',
  symlink: 'owner',
  syslog_audit_01: 'owner',
  testcase01: 'exec-mr',
  testcase12: 'exec-mr',
  testcase13: 'exec-mr',
  testcase36: 'not-a-denial',
  testcase_dbus_01: 'dbus-name',
  testcase_dbus_03: 'dbus-name',
  testcase_dbus_04: 'dbus-name',
  testcase_dbus_06: 'dbus-name',
  testcase_dbus_08: 'dbus-name',
  testcase_dbus_09: 'dbus-name',
  testcase_dbus_10: 'dbus-name',
  testcase_dbus_12: 'dbus-name',
  testcase_dmesg_link_01: 'owner',
  testcase_encoded_profile: 'owner',
  testcase_mount_02: 'remount',
  testcase_mqueue_09: 'no-name',
  testcase_network_01: 'network-conditions',
  testcase_network_02: 'network-conditions',
  testcase_network_03: 'network-conditions',
  testcase_network_04: 'network-conditions',
  testcase_network_05: 'network-conditions',
  testcase_network_06: 'network-conditions',
  testcase_network_07: 'network-conditions',
  testcase_network_08: 'network-conditions',
  testcase_network_09: 'network-conditions',
  testcase_network_10: 'network-conditions',
  testcase_network_11: 'network-conditions',
  testcase_network_12: 'network-conditions',
  testcase_network_send_receive: 'network-conditions',
  testcase_ouid: 'generalised',
  testcase_remount_01: 'remount',
  testcase_socklogd_mkdir: 'generalised',
  testcase_syslog_link_01: 'owner',
  testcase_syslog_read: 'generalised',
  testcase_unix_no_denied_issue541: 'requested-only',
  testcase_userns_01: 'userns',
  testcase_userns_02: 'not-a-denial',
  unbalanced_parenthesis: 'owner',
};

function ourRules(input: string): { rules: string[]; record: AppArmorRecord } {
  const records = parseLenient(input.split('\n'));
  assert.ok(records.length, 'a record');
  // the rules a user is shown were each denial judged a missing rule (an AUDIT record gets none)
  const rules = records.filter(isDenial).flatMap((r) => missingRuleSuggestion(gatherFacts(r, undefined), { signals: [], neighbours: [] }, undefined).rules ?? []);
  return { rules, record: records[0] };
}

test("the corpus: every .profile of libapparmor's test events", () => {
  assert.equal(PROFILES.length, 142);
  for (const p of PROFILES) assert.ok(INPUTS.has(p.case), p.case);
});

test("aa-triage's rules are aa-logprof's, spelled otherwise, or differ only in a named way", () => {
  const problems: string[] = [];
  const same: string[] = [];
  for (const p of PROFILES) {
    const theirs = rulesOf(p.profile);
    const { rules: ours, record } = ourRules(INPUTS.get(p.case)!);
    const spelledAlike = ours.length === theirs.length && ours.every((o, i) => ruleSpelling(o) === ruleSpelling(theirs[i]));
    const kind = DIFFERENT[p.case];
    if (spelledAlike) {
      if (kind) problems.push(`${p.case}: listed as ${kind}, but the rules agree`);
      same.push(p.case);
      continue;
    }
    if (!kind) problems.push(`${p.case}: ours ${JSON.stringify(ours)}, aa-logprof ${JSON.stringify(theirs)}`);
    else if (!KINDS[kind].holds(ours, theirs, record)) problems.push(`${p.case}: not a ${kind} difference: ours ${JSON.stringify(ours)}, aa-logprof ${JSON.stringify(theirs)}`);
  }
  assert.deepEqual(problems, []);
  assert.equal(same.length, 142 - Object.keys(DIFFERENT).length);
});

test('the differences named above are told apart from others', () => {
  const r = parseLenient(['type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" profile="p" name="/x" pid=1 comm="c" requested_mask="r" denied_mask="r" fsuid=5 ouid=5'])[0];
  assert.ok(KINDS.owner.holds(['/x r,'], ['owner /x r,'], r));
  assert.ok(!KINDS.owner.holds(['/x rw,'], ['owner /x r,'], r));
  assert.ok(!KINDS['dbus-name'].holds(['dbus send bus=session,'], ['dbus send bus=session member=Hello,'], r));
  assert.ok(!KINDS.generalised.holds(['/home/*/x r,'], ['/etc/x r,'], r));
  assert.ok(!KINDS['exec-mr'].holds(['/bin/x ix,'], ['/bin/y mrix,'], r));
});
