/**
 * The profile facts the view shows, kept true while running: the profile files are read once, the
 * kernel's loaded list again after every action and every few seconds (a mode the view shows must
 * be the kernel's now). I/O edge: reads securityfs.
 */
import { readLoadedProfiles } from '../actions/kernel-state.js';
import { mergeFacts, type ProfileFact, type ProfileFacts } from './profile-facts.js';

/** How often the kernel's profile modes are read again while running. */
export const FACTS_REFRESH_MS = 2000;

export class FactsSource {
  private files: ProfileFact[] = [];
  private loadedText?: string;
  facts: ProfileFacts = new Map();

  constructor(private readonly securityfs: string | undefined) {}

  async start(profileFiles: (() => Promise<ProfileFact[]>) | undefined): Promise<void> {
    this.files = profileFiles ? await profileFiles().catch(() => []) : [];
    await this.refresh(true);
  }

  /** Re-reads the kernel's list; true when the facts changed. */
  async refresh(force = false): Promise<boolean> {
    let loaded: Map<string, string> | undefined;
    if (this.securityfs) {
      const r = await readLoadedProfiles(this.securityfs);
      if (r.ok) loaded = r.profiles;
    }
    const text = loaded ? [...loaded].map(([n, m]) => `${n}\u0000${m}`).join('\n') : undefined;
    if (!force && text === this.loadedText) return false;
    this.loadedText = text;
    this.facts = mergeFacts(loaded, this.files);
    return true;
  }
}
