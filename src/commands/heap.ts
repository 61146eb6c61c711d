/**
 * Memory before speed, for the modes that stream records out (--json, --plain, timeline): V8 then
 * collects garbage sooner, keeping the peak of a 1M-line replay around 140 MB instead of 230 MB,
 * for 5-25 % more time (measured with npm run bench). The interactive view takes only the second
 * setting, at a gentler level (preferInteractiveHeap): a young generation that stays small cost
 * it its key latency.
 *
 * Both are heuristics V8 reads each time it sizes a heap space, so they take effect when set at
 * run time: the young generation stops growing past its first size, and the old one is collected
 * once it has grown by 60 % over what survived the last collection (V8's default lets it grow by
 * up to four times).
 *
 * The young generation's size was measured again (1M-line generated dmesg logs, CPU time with
 * V8's default growth over this setting): a flood 0.96 and all-distinct records 0.99 with records
 * read from templates, one-offs 0.89 before them; the peak 30-40 MB higher on the last two
 * (132-140 MB instead of 99-103). Close to the 150 MB bound for little time: the setting stays.
 */
import { setFlagsFromString } from 'node:v8';

export function preferSmallHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=60');
}

/**
 * The interactive view: the old generation is collected once it has doubled since the last
 * collection (V8's default lets it grow up to four times while records pour in). After a million
 * records the process holds about 290 MB instead of 410 MB, with keys as quick as before (median
 * 30-45 ms, worst under the 100 ms target in most runs either way; bench/tui-flood.tsx). The
 * young generation keeps V8's default growth: held small it cost keys 60-140 ms.
 */
export function preferInteractiveHeap(): void {
  setFlagsFromString('--heap-growing-percent=100');
}
