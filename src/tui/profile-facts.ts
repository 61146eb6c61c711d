/**
 * What the views show about a profile: its mode, file, network rules and who manages it. Filled at
 * start-up from the profile index (profiles area) and the kernel's loaded-profile list; the views
 * only read it. `parseLoadedProfiles` reads securityfs's `profiles` text (pure).
 */
export interface ProfileFact {
  name: string;
  /** enforce, complain, kill, unconfined ... from the loaded list, else from the file's flags. */
  mode?: string;
  loaded?: boolean;
  file?: string;
  hasNetworkRules?: boolean;
  /** snapd, docker, libvirt, lxd ...: a daemon that rewrites the profile. */
  managedBy?: string;
}

export type ProfileFacts = ReadonlyMap<string, ProfileFact>;

/** `/sys/kernel/security/apparmor/profiles`: `name (mode)` per line; names may contain spaces. */
export function parseLoadedProfiles(text: string): { name: string; mode: string }[] {
  const out: { name: string; mode: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.*\S)\s+\(([^()]+)\)\s*$/.exec(line);
    if (m) out.push({ name: m[1], mode: m[2] });
  }
  return out;
}

/** The facts for a record's label: the exact name, else the first component of a stacked/child label. */
export function factFor(facts: ProfileFacts, label: string): ProfileFact | undefined {
  return facts.get(label) ?? facts.get(label.split('//')[0]);
}
