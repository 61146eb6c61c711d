/**
 * The demo incident classifies as its story says, through the same pipeline and enrichment
 * `aa-triage --demo --json` uses.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadEnrichment } from '../../src/classify/enrich.js';
import { resolveSettings } from '../../src/commands/settings.js';
import { ingestInputs } from '../../src/pipeline/saved-inputs.js';
import { findDemo } from '../../src/demo.js';
import type { AppArmorRecord } from '../../src/model/record.js';

const demo = findDemo(join(import.meta.dirname, '..', '..', 'src'))!;
let recs: AppArmorRecord[] = [];

before(async () => {
  const dirs = resolveSettings({ demo: true, profilesDirs: ['/etc/apparmor.d'], readOnly: false }, { isRoot: false, env: {} }, { demo }).profileDirs;
  assert.deepEqual(dirs, [demo.profilesDir], 'the demo reads only its own profiles');
  const e = await loadEnrichment(dirs);
  assert.deepEqual(e.problems, []);
  recs = [];
  await ingestInputs([{ path: demo.log, name: 'DEMO:incident.log' }], (r) => recs.push(r), { enrich: e.enrich });
});

const find = (pred: (f: Record<string, string>, r: AppArmorRecord) => boolean) => {
  const found = recs.filter((r) => pred(r.fields, r));
  assert.ok(found.length > 0, 'the demo has this record');
  return found;
};

test('every record is classified; STATUS records are info', () => {
  for (const r of recs) assert.ok(r.classification, `line ${r.source.line}`);
  for (const r of recs.filter((x) => x.kind === 'STATUS')) assert.equal(r.classification!.verdict, 'info');
});

test('the nginx worker 2211 is an attack on every line', () => {
  const worker = find((f) => f.pid === '2211');
  assert.equal(worker.length, 8, 'the exec of dash arrives twice (kernel and audit) and is merged');
  for (const r of worker) {
    assert.equal(r.classification!.verdict, 'likely-attack', `line ${r.source.line}: ${r.classification!.reasons.join(' | ')}`);
    assert.equal(r.classification!.suggestion!.kind, 'respond');
  }
  const mknod = find((f) => f.pid === '2211' && f.operation === 'mknod')[0];
  assert.ok(mknod.classification!.reasons.some((x) => x.includes('/tmp/.ICE-unix/.x/kworkerd')));
});

test('nginx GeoIP read and the moved pid file right after profile_replace are missing rules for local/usr.sbin.nginx', () => {
  for (const r of find((f) => f.profile === '/usr/sbin/nginx' && (f.pid === '1900' || f.pid === '1931'))) {
    const c = r.classification!;
    assert.equal(c.verdict, 'missing-rule', `line ${r.source.line}: ${c.reasons.join(' | ')}`);
    assert.ok(c.reasons.some((x) => /after profile_replace of \/usr\/sbin\/nginx/.test(x)));
    assert.equal(c.suggestion!.file, join(demo.profilesDir, 'local', 'usr.sbin.nginx'));
  }
  assert.deepEqual(find((f) => f.name === '/run/nginx/nginx.pid')[0].classification!.suggestion!.rules, ['/run/nginx/nginx.pid w,']);
  assert.deepEqual(find((f) => f.name === '/usr/share/GeoIP/GeoLite2-Country.mmdb')[0].classification!.suggestion!.rules, ['/usr/share/GeoIP/GeoLite2-Country.mmdb r,']);
});

test('report-exporter pid file and the systemd hup signal are missing rules', () => {
  for (const r of find((f) => f.name === '/run/report-exporter/exporter.pid')) assert.equal(r.classification!.verdict, 'missing-rule');
  const hup = find((f) => f.operation === 'signal')[0].classification!;
  assert.equal(hup.verdict, 'missing-rule');
  assert.deepEqual(hup.suggestion!.rules, ['signal (receive) set=(hup) peer=unconfined,']);
});

test('the renderer helper reading fonts gets include <abstractions/fonts> in the child block', () => {
  for (const r of find((f) => f.profile === 'thumbnail-renderer//helper')) {
    const c = r.classification!;
    assert.equal(c.verdict, 'missing-rule');
    assert.deepEqual(c.suggestion!.rules, ['include <abstractions/fonts>']);
    assert.equal(c.suggestion!.file, join(demo.profilesDir, 'usr.bin.thumbnail-renderer'));
  }
});

test('backup-agent ALLOWED reads are classified honestly: the .pgpass read is a credential read, not a missing rule', () => {
  const pgpass = find((f) => f.name === '/var/lib/postgresql/.pgpass')[0].classification!;
  assert.notEqual(pgpass.verdict, 'missing-rule');
  assert.ok(pgpass.reasons.some((x) => /credential read/.test(x)));
  assert.equal(find((f) => f.capname === 'dac_read_search')[0].classification!.verdict, 'missing-rule');
});

test('no denial outside worker 2211 is called an attack', () => {
  for (const r of recs.filter((x) => x.kind !== 'STATUS' && x.fields.pid !== '2211'))
    assert.notEqual(r.classification!.verdict, 'likely-attack', `line ${r.source.line}: ${r.classification!.reasons.join(' | ')}`);
});
