/**
 * The rule aa-triage suggests for each log event of AppArmor's own utilities tests (the rule
 * aa-logprof makes from it, test/fixtures/apparmor-utils), whatever the verdict: the same rule, the
 * same rule in another spelling, or a difference named here with its reason. Never a rule that
 * leaves out a condition the utilities write, but for the network addresses below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatherFacts } from '../../src/classify/facts.js';
import { missingRuleSuggestion } from '../../src/classify/suggest.js';
import { checkRuleText } from '../../scripts/eval/rule-check.js';
import { parseLenient, ruleSpelling } from './helpers.js';

interface UtilsCase {
  case: number;
  in: string;
  type: string;
  rule: string;
}

const CASES: UtilsCase[] = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'apparmor-utils', 'rules-from-events.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as UtilsCase);

/** Where our rule is not the utilities' in another spelling, and why. */
const DIFFERENT: Record<number, { ours: string; why: string }> = {
  4: {
    ours: 'dbus send bus=session path=/org/freedesktop/DBus interface=org.freedesktop.DBus member=Hello peer=(name=org.freedesktop.DBus, label=unconfined),',
    why: 'narrower: the destination name the record gives is a condition too',
  },
  11: { ours: 'remount options=(ro) /tmp/foo/,', why: "the same rule: `remount` is AppArmor's word for a mount with the remount option" },
  15: {
    ours: 'network inet stream,',
    why: 'wider, on purpose: address conditions need fine-grained network mediation (AppArmor 4.1 on a kernel that has it); the record names the addresses on every kernel, and a rule with conditions the kernel cannot check would not load as written',
  },
  16: { ours: 'network inet stream,', why: 'as case 15' },
  22: { ours: 'userns,', why: 'the same rule: create is the only user-namespace permission, and shipped profiles write `userns,`' },
  23: { ours: 'userns,', why: 'as case 22 (an AUDIT record: aa-triage shows it as information and adds no rule)' },
};

function ourRules(c: UtilsCase): string[] | undefined {
  const [r] = parseLenient([c.in]);
  assert.ok(r, `case ${c.case}: no record read`);
  // the rule a user is shown were the denial judged a missing rule
  return missingRuleSuggestion(gatherFacts(r, undefined), { signals: [], neighbours: [] }, undefined).rules;
}

test('the corpus is the utilities tests 23 events', () => {
  assert.equal(CASES.length, 23);
});

for (const c of CASES) {
  test(`AppArmor utilities event ${c.case} (${c.type}): ${c.rule}`, () => {
    const rules = ourRules(c);
    assert.equal(rules?.length, 1, `one rule: ${JSON.stringify(rules)}`);
    const ours = rules![0];
    const differs = DIFFERENT[c.case];
    if (differs) assert.equal(ours, differs.ours, differs.why);
    else assert.equal(ruleSpelling(ours), ruleSpelling(c.rule), `the utilities write ${c.rule}`);
    // and the rule names every condition the record gives (the network cases above excepted)
    if (c.type !== 'network') {
      const [r] = parseLenient([c.in]);
      const checked = checkRuleText(ours, r);
      assert.equal(checked.problem, undefined);
    }
  });
}

test('the spelling used above tells rules apart that differ in more than spelling', () => {
  assert.equal(ruleSpelling('unix (send, accept) type=stream addr="@x",'), ruleSpelling('unix (accept, send) type=stream addr=@x,'));
  assert.notEqual(ruleSpelling('unix (send) type=stream,'), ruleSpelling('unix (send) type=stream peer=(addr=@x),'));
  assert.notEqual(ruleSpelling('pivot_root /new/,'), ruleSpelling('pivot_root oldroot=/new/old/ /new/,'));
  assert.notEqual(ruleSpelling('io_uring sqpoll,'), ruleSpelling('io_uring override_creds label=x,'));
});
