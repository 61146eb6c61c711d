import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordLine } from '../../src/outputs/text.js';
import { parse } from '../classify/helpers.js';

test("--plain names a signal's sender and a tracer as the other process, and a process's own denial as its own", () => {
  const [received, sent, traced] = parse([
    'Nov 22 03:01:22 web-01 kernel: audit: type=1400 audit(1795316482.009:3116): apparmor="DENIED" operation="signal" class="signal" profile="report-exporter" pid=1 comm="systemd" requested_mask="receive" denied_mask="receive" signal=hup peer="unconfined"',
    'Nov 22 03:01:23 web-01 kernel: audit: type=1400 audit(1795316483.009:3117): apparmor="DENIED" operation="signal" class="signal" profile="report-exporter" pid=2050 comm="exporter" requested_mask="send" denied_mask="send" signal=term peer="unconfined"',
    'Nov 22 03:01:24 web-01 kernel: audit: type=1400 audit(1795316484.009:3118): apparmor="DENIED" operation="ptrace" profile="docker-default" pid=3181 comm="ps" requested_mask="readby" denied_mask="readby" peer="docker-default"',
  ]);
  assert.match(recordLine(received, { utc: true }), /report-exporter from comm=systemd pid=1 /);
  assert.match(recordLine(sent, { utc: true }), /report-exporter comm=exporter pid=2050 /);
  assert.match(recordLine(traced, { utc: true }), /docker-default from comm=ps pid=3181 /);
});
