/**
 * The pipeline's `enrich` step (I/O edge): load the profile index once from the directories the
 * run's settings give (the demo's own for --demo, never the host's), then classify every record with it.
 */
import type { AppArmorRecord } from '../model/record.js';
import { loadProfileIndex } from '../profiles/load.js';
import type { ProfileIndex } from '../profiles/types.js';
import { createClassifier, type Classifier } from './index.js';

export interface Enrichment {
  enrich: (r: AppArmorRecord) => void;
  classifier: Classifier;
  index?: ProfileIndex;
  dirs: string[];
  problems: string[];
}

/** `label`: what to call the profile files (see loadProfileIndex). */
export async function loadEnrichment(dirs: string[], opts: { label?: (path: string) => string } = {}): Promise<Enrichment> {
  let index: ProfileIndex | undefined;
  let problems: string[] = [];
  if (dirs.length) {
    const loaded = await loadProfileIndex(dirs, opts);
    problems = loaded.problems;
    // every directory missing or unreadable: reason from the log lines alone, and say so
    const dirsFailed = dirs.every((d) => problems.some((p) => p.startsWith(`${d.replace(/\/+$/, '')}: `)));
    index = dirsFailed ? undefined : loaded.index;
  } else problems = ['no profile directory'];
  const classifier = createClassifier(index, { profileProblems: problems });
  return {
    enrich: (r) => {
      r.classification = classifier.classify(r);
    },
    classifier,
    index,
    dirs,
    problems,
  };
}
