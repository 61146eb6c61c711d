/**
 * The one question target resolution asks of the profile index: which file declares this profile
 * name, and what else does that file declare. The index (src/profiles) answers it; the safety checks
 * on the answer stay in src/actions, so a wrong or hostile index entry still cannot point an action
 * outside the profiles directory.
 */

export interface DeclaredProfile {
  /** The full profile name, children as `parent//child`. */
  name: string;
  /** The file that declares it (a child or hat: its parent's file). */
  file: string;
  /** For a child profile or hat: the enclosing profile's name. */
  parent?: string;
  /** Every profile the same file declares (children included), in file order. */
  fileProfiles: string[];
  /** The mode the file declares (`enforce`, `complain`, ...), when the index knows it. */
  mode?: string;
  /** Other files that declare the same name: an action through one file would leave or load the other. */
  alsoDeclaredIn?: string[];
  /** Set when a daemon generates and rewrites the profile (snapd, docker, libvirt, lxd ...). */
  managedBy?: string;
}

export interface ProfileDeclarations {
  lookup(name: string): DeclaredProfile | undefined;
  /** Every declared profile (for "did you mean" on an unknown name). */
  profiles?(): { name: string }[];
}

/** A fixed table as declarations: for tests and for callers that already know the answer. */
export function declarationsFrom(entries: DeclaredProfile[]): ProfileDeclarations {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return { lookup: (name) => byName.get(name), profiles: () => entries };
}
