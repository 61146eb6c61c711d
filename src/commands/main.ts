/**
 * Program entry (bundled into dist/aa-triage.js; bin/aa-triage checks the Node version first).
 * Decides the mode once at start-up: interactive view on a terminal, NDJSON when stdout is not one.
 */
import { HELP, parseCli, UsageError, type CliOptions } from './args.js';
import { VERSION } from './version.js';
import { replay } from './ndjson.js';
import { hostIdentity, resolveSettings, savedInputs, type RunSettings } from './settings.js';
import { findDemo } from '../demo.js';
import { InputError } from '../ingest/inputs.js';
import { runTimelineCommand } from './timeline.js';
import { preferSmallHeap } from './heap.js';
import { preferSmallerCompiles } from './compile-budget.js';
import { outputLeavesTerminal } from './progress.js';
import { startTui, wantsTui } from './tui.js';
import { loadEnrichment } from '../classify/enrich.js';
import { safeLines } from '../model/safe-text.js';

function fail(msg: string, code: number): never {
  process.stderr.write(`aa-triage: ${safeLines(msg)}\n`);
  process.exit(code);
}

/** The run's settings, or the usage error said the way a bad option is (a --since that is no time). */
function settingsOrFail(...args: Parameters<typeof resolveSettings>): RunSettings {
  try {
    return resolveSettings(...args);
  } catch (err) {
    if (err instanceof UsageError) fail(`${err.message}\nTry 'aa-triage --help'.`, 2);
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (err) {
    if (err instanceof UsageError) fail(`${err.message}\nTry 'aa-triage --help'.`, 2);
    throw err;
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (opts.version) {
    process.stdout.write(`aa-triage ${VERSION}\n`);
    return 0;
  }
  if (opts.demo && opts.inputs.length) fail('--demo and --input do not mix: the demo is never merged with real data', 2);
  const who = hostIdentity();
  // act works on this host's profiles, never the demo's
  // act, the live sources and the view are loaded when a run needs them (each brings its own
  // libraries): reading saved logs starts without them
  if (opts.command === 'act') return (await import('./act.js')).runActCommand(opts, settingsOrFail({ ...opts, demo: false }, who));
  // a small heap before speed, records streamed out or shown (heap.ts says what it costs)
  preferSmallHeap();
  // classification needs the profile index: the demo's own profiles, --profiles-dir, or this host's
  const demo = opts.demo ? findDemo() : undefined;
  const settings = settingsOrFail(opts, who, { demo });
  const classify = await loadEnrichment(settings.profileDirs, { label: demo?.label });
  if (opts.command === 'timeline') {
    // a replay of saved logs, short-lived: cheaper compilations (compile-budget.ts says what it saves and costs)
    preferSmallerCompiles();
    return runTimelineCommand(opts, settings, { out: process.stdout, err: process.stderr, enrich: classify?.enrich });
  }
  if (opts.command !== 'triage') fail(`${opts.command}: not available in this build`, 2);
  if (opts.demo && !demo) fail('the demo incident is missing from this installation (demo/incident.log)', 1);
  const inputs = savedInputs(opts, demo);
  const format = opts.json ? 'json' : opts.plain ? 'plain' : process.stdout.isTTY ? 'plain' : 'json';
  if (opts.demo && (opts.journalDirs.length || opts.journalFiles.length)) fail('--demo and --journal-dir/--journal-file do not mix: the demo is never merged with real data', 2);
  // a terminal on both ends and neither --json nor --plain: the interactive view (DEMO, REPLAY or LIVE)
  if (wantsTui(opts)) return startTui(opts, settings, inputs, classify);
  // live: this host's sources, or copied journals (read through journalctl, merged with any --input)
  if (inputs.length === 0 || opts.journalDirs.length || opts.journalFiles.length)
    return (await import('./live.js')).runLive(opts, settings, format, { out: process.stdout, err: process.stderr, enrich: classify?.enrich });
  // saved logs written out and done with: cheaper compilations, as for the timeline
  preferSmallerCompiles();
  try {
    const counts = await replay(inputs, process.stdout, process.stderr, {
      format,
      raw: opts.raw,
      utc: opts.utc,
      clock: settings.clock,
      ...settings.window,
      enrich: classify?.enrich,
      // records into a file: stderr, a terminal, may say how far the read is
      progress: outputLeavesTerminal(1) ? process.stderr : undefined,
    });
    // a damaged input was reported and the rest written: the status still says not everything was read
    return counts.damaged > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof InputError) fail(err.message, 1);
    throw err;
  }
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `aa-triage --json | head` closes the pipe early: that is not an error
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`aa-triage: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
