"""libapparmor's C record parser (LibAppArmor.parse_record, the parser under aa-notify and
aa-logprof) on every line that contains `apparmor=`; prints records, seconds and peak memory as JSON."""
import json
import resource
import sys
import time

import LibAppArmor

path = sys.argv[1]
t0 = time.perf_counter()
c0 = time.process_time()
records = 0
lines = 0
with open(path, 'r', encoding='utf-8', errors='replace') as f:
    for line in f:
        lines += 1
        if 'apparmor=' in line:
            r = LibAppArmor.parse_record(line)
            if r.event != LibAppArmor.AA_RECORD_INVALID:
                records += 1
            LibAppArmor.free_record(r)
dt = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({'seconds': dt, 'cpuSeconds': cpu, 'lines': lines, 'records': records, 'maxRssKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
