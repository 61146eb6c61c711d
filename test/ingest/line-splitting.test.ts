// The line scanner without its filter: lines across chunks, CR, over-long lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineScanner } from '../../src/ingest/line-scanner.js';

test('line scanner (unfiltered): lines across chunks, CR kept for the parser, over-long lines cut and counted', () => {
  const out: string[] = [];
  const s = new LineScanner({ line: (l) => out.push(l) }, { max: 10 });
  s.push(Buffer.from('ab'));
  s.push(Buffer.from('c\nde\r\n0123456789ABCDEF\nok\nlast'));
  s.end();
  assert.deepEqual(out, ['abc', 'de\r', '0123456789', 'ok', 'last']);
  assert.equal(s.cut, 1);
  const utf: string[] = [];
  const u = new LineScanner({ line: (l) => utf.push(l) });
  const bytes = Buffer.from('é\n');
  u.push(bytes.subarray(0, 1));
  u.push(bytes.subarray(1));
  assert.deepEqual(utf, ['é'], 'a character split across chunks');
});
