/**
 * Live sources: the journal (kernel and audit transports), dmesg, audit.log and saved evidence,
 * supervised, merged by audit id and put in time order. What the views and main.ts import.
 */
export type { SourceState, SourceHealth, LiveSession, LiveOptions, LiveCounts, SourcePaths, Tuning } from './types.js';
export { DEFAULT_PATHS, DEFAULT_TUNING } from './types.js';
export { startLiveSources } from './session.js';
export { detectSources, forBoot, hostNotes, type HostFacts, type SourcePlan } from './detect.js';
export { probeHost } from './probe.js';
export { parseTimeSpec, parseWindow, inWindow, TimeSpecError, type TimeWindow } from './time-spec.js';
