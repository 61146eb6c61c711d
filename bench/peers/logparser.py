"""AppArmor's own Python log parser (apparmor.logparser.ReadLog, behind aa-logprof and aa-genprof)
reading one log file; prints the events it handed to the profile tree, the seconds it took and its
peak memory, as JSON."""
import json
import resource
import sys
import time

from apparmor.logparser import ReadLog
from apparmor.profile_list import ProfileList

path = sys.argv[1]
t0 = time.perf_counter()
c0 = time.process_time()
# no profiles known: every event lands in the tree as it would for a new profile
log = ReadLog(path, ProfileList(), '/nonexistent')
events = 0
parse_event = log.parse_event


def counting_parse(msg):
    global events
    e = parse_event(msg)
    if e:
        events += 1
    return e


log.parse_event = counting_parse
log.read_log('')
dt = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({'seconds': dt, 'cpuSeconds': cpu, 'events': events, 'maxRssKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
