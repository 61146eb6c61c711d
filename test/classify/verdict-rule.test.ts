/**
 * The verdict rule alone (src/classify/verdict-rule.ts): given a denial's signals and what happened
 * before, which verdict, how sure, which reasons, which suggestion. No classifier, no cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherFacts } from '../../src/classify/facts.js';
import { reasonText, type Signal } from '../../src/classify/signals.js';
import { attackWeight, decideVerdict, infoVerdict, sequenceSignals, suggestionsFor, type DenialCase } from '../../src/classify/verdict-rule.js';
import { buildProfileIndex } from '../../src/profiles/index.js';
import { file, kline, parse } from './helpers.js';
import { createClassifier } from '../../src/classify/index.js';

const INDEX = buildProfileIndex([{ path: '/p/svc', text: 'profile svc /usr/bin/svc {\n  /var/lib/svc/** rw,\n}\n' }], { roots: ['/p'] });
const attack = (weight: number, tag = `a${weight}`): Signal => ({ side: 'attack', weight, tag, reason: `attack ${tag}` });
const benign = (weight: number, tag = `b${weight}`): Signal => ({ side: 'benign', weight, tag, reason: `benign ${tag}` });

/** A denial of /var/lib/svc-data/x by svc whose own signals are `signals`. */
function denialCase(signals: Signal[], o: { explicitDeny?: boolean; context?: string[]; index?: typeof INDEX } = {}): DenialCase {
  const index = 'index' in o ? o.index : INDEX;
  const [r] = parse([file(0, 'svc', 'open', '/var/lib/svc-data/x', 'r', { comm: 'svc', pid: 4242 })]);
  const facts = gatherFacts(r, index);
  const find = { signals, neighbours: [], ...(o.explicitDeny ? { explicitDeny: { deny: true, text: 'deny /var/lib/svc-data/** r', origin: { file: '/p/svc', line: 3 } } as never } : {}) };
  return { facts, find, context: o.context ?? [], ownAttack: attackWeight(signals), suggest: suggestionsFor(facts, find, index) };
}

test("two attack weights with one of the record's own: likely attack, strongest reason first, the other side weighed against", () => {
  const got = decideVerdict(denialCase([attack(1, 'weak'), benign(1), attack(2, 'strong')], { context: ['context'] }), []);
  assert.equal(got.verdict, 'likely-attack');
  assert.deepEqual(got.reasons, ['attack strong', 'attack weak', 'weighed against: benign b1', 'context']);
  assert.equal(got.confidence, 0.69);
  assert.equal(got.suggestion!.kind, 'respond');
});

test('attack weight from the sequence alone is not enough for likely attack, and never a missing rule', () => {
  const got = decideVerdict(denialCase([benign(3)]), [attack(2, 'sequence')]);
  assert.equal(got.verdict, 'unclear');
  assert.equal(got.confidence, 0.5);
  assert.match(got.reasons.at(-1)!, /signals conflict: not called a missing rule/);
});

test('one weak attack signal: unclear, look first', () => {
  const got = decideVerdict(denialCase([attack(1)]), []);
  assert.equal(got.verdict, 'unclear');
  assert.match(got.reasons.at(-1)!, /one weak attack signal/);
  assert.match(got.suggestion!.text, /^look at what else this process did/);
});

test('an explicit deny rule: unclear, with the deny suggestion, even with missing-rule signals', () => {
  const c = denialCase([benign(3)], { explicitDeny: true });
  const got = decideVerdict(c, []);
  assert.equal(got.verdict, 'unclear');
  assert.equal(got.confidence, 0.6);
  assert.equal(got.suggestion, c.suggest.deny());
});

test('missing-rule weights of two or more: missing rule, surer with more, less sure without the profile file', () => {
  const two = decideVerdict(denialCase([benign(2)]), []);
  assert.equal(two.verdict, 'missing-rule');
  assert.equal(two.confidence, 0.65);
  assert.equal(two.suggestion!.kind, 'rule');
  assert.equal(decideVerdict(denialCase([benign(2)]), [benign(1, 'repeated')]).confidence, 0.75);
  assert.equal(decideVerdict(denialCase([benign(9)]), []).confidence, 0.92, 'capped');
  assert.equal(decideVerdict(denialCase([benign(2)], { index: undefined }), []).confidence, 0.59, 'from the log line alone');
});

test('too little either way: unclear, and the reasons say so', () => {
  const got = decideVerdict(denialCase([benign(1)]), []);
  assert.equal(got.verdict, 'unclear');
  assert.equal(got.confidence, 0.3);
  assert.match(got.reasons.at(-1)!, /^no strong signal either way for .*: open \/var\/lib\/svc-data\/x$/);
});

test('the reasons and the suggestion are written when first read, each once', () => {
  let written = 0;
  const lazy: Signal = { side: 'benign', weight: 2, tag: 'lazy', reason: () => `written ${++written}` };
  const c = denialCase([lazy]);
  const got = decideVerdict(c, []);
  assert.equal(got.verdict, 'missing-rule');
  assert.equal(written, 0, 'decided without writing a reason');
  assert.deepEqual(got.reasons, ['written 1']);
  assert.equal(got.reasons, got.reasons, 'the same array on every read');
  assert.equal(got.suggestion, c.suggest.rule());
  assert.equal(decideVerdict(c, [benign(1, 'repeated')]).reasons[0], 'written 1', "a signal's text is written once for every result it is in");
  assert.equal(written, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(got)), { verdict: 'missing-rule', confidence: got.confidence, reasons: ['written 1'], suggestion: JSON.parse(JSON.stringify(c.suggest.rule())) });
});

test('sequence signals name the pid and the seconds since the load with the texts given', () => {
  const c = denialCase([attack(2)]);
  const got = sequenceSignals(c, { repeated: true, prior: { scope: 'pid', tags: ['exec-shell'], id: 1 }, load: { profile: 'svc', op: 'profile_load', ageMs: 7000, id: 1 } }, 'PID', 'AGE');
  assert.deepEqual(
    got.map((s) => [s.side, s.weight, s.tag]),
    [
      ['benign', 1, 'repeated'],
      ['attack', 1, 'sequence'],
      ['benign', 1, 'after-load'],
    ],
  );
  assert.match(reasonText(got[1]), /^pid PID \(svc\) already showed 1 attack signal in the last 2 minutes/);
  assert.match(reasonText(got[2]), /^AGE s after profile_load of svc/);
  const noOwn = denialCase([benign(1)]);
  assert.deepEqual(
    sequenceSignals(noOwn, { repeated: false, prior: { scope: 'profile', tags: ['x'], id: 2 } }, 'p', 'a'),
    [],
    "a profile's earlier attack signals do not taint a record with none of its own",
  );
});

test('records that report no denial are info', () => {
  const [load, audit] = parse([
    kline(0, 'STATUS', 'operation="profile_replace" info="same as current profile, skipping" profile="unconfined" name="svc" pid=7 comm="apparmor_parser"'),
    kline(1, 'AUDIT', 'operation="open" class="file" profile="svc" name="/etc/hosts" pid=8 comm="svc" requested_mask="r"'),
  ]);
  assert.deepEqual(infoVerdict(load), { verdict: 'info', confidence: 1, reasons: ['profile_replace of svc by apparmor_parser (pid 7): unchanged, skipped'] });
  assert.deepEqual(infoVerdict(audit).reasons, ['audited access allowed by an audit rule: open /etc/hosts']);
});

test('an unclear verdict gives the rule for exactly the access after what to look at first; with no rule, the caution alone', () => {
  // not enough either way: a web server writing into a user's home
  const plain = createClassifier(undefined).classify(
    parse([kline(0, 'DENIED', 'operation="open" class="file" profile="/usr/sbin/nginx" name="/home/alice/notes.txt" pid=7 comm="nginx" requested_mask="w" denied_mask="w" fsuid=33 ouid=33')])[0],
  );
  assert.equal(plain.verdict, 'unclear');
  assert.equal(plain.suggestion?.kind, 'rule');
  assert.deepEqual(plain.suggestion?.rules, ['owner @{HOME}/notes.txt w,']);
  assert.match(plain.suggestion!.text, /^check whether the service needs this first \(nothing in the record says routine or attack\); if it does, add it to/);
  // no rule can be written (a socket type the kernel could not name): the caution alone
  const none = createClassifier(undefined).classify(
    parse([
      kline(
        0,
        'DENIED',
        'operation="create" class="net" profile="/opt/tool/bin/tool" pid=7 comm="tool" family="inet" sock_type="unknown(1234)" protocol=6 requested_mask="create" denied_mask="create"',
      ),
    ])[0],
  );
  if (none.verdict === 'unclear') {
    assert.equal(none.suggestion?.kind, 'none');
    assert.equal(none.suggestion?.rules, undefined);
  }
});
