/**
 * What the views show about a profile: its mode, file, network rules and who manages it. Filled at
 * start-up from the profile index (profiles area) and the kernel's loaded-profile list; the views
 * only read it.
 */
import { generatedOwner } from '../profiles/managed.js';

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

/** The facts for a record's label: the exact name, else the first component of a stacked/child label. */
export function factFor(facts: ProfileFacts, label: string): ProfileFact | undefined {
  return facts.get(label) ?? facts.get(label.split('//')[0]);
}

/** Merges the kernel's loaded list (name -> mode) with what the profile files say. */
export function mergeFacts(loaded: ReadonlyMap<string, string> | undefined, files: Iterable<ProfileFact>): Map<string, ProfileFact> {
  const out = new Map<string, ProfileFact>();
  for (const f of files) out.set(f.name, { ...f, loaded: loaded ? loaded.has(f.name) : undefined });
  if (loaded) {
    for (const [name, mode] of loaded) {
      const f = out.get(name);
      // The kernel's mode is the truth; the file's flags say what the next load will do.
      // A loaded profile with no file here may still be a daemon's (docker-default, snap.*): say whose.
      out.set(name, f ? { ...f, mode, loaded: true } : { name, mode, loaded: true, managedBy: generatedOwner(name) });
    }
  }
  return out;
}
