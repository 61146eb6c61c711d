/**
 * What the profile index knows about one profile: where it is declared, its mode, who generates
 * it, and its rules (includes expanded) in a form the classifier can match log records against.
 */
import type { CompiledGlob } from './glob.js';

export type ProfileMode = 'enforce' | 'complain' | 'kill' | 'unconfined' | 'prompt' | 'default_allow' | (string & {});

export type ManagedBy = 'snapd' | 'docker' | 'containerd' | 'nerdctl' | 'podman' | 'libvirt' | 'lxd' | 'lxc' | 'incus' | 'flatpak';

/** Where a rule was written: the profile file or an include it pulls in, and the 1-based line. */
export interface RuleOrigin {
  file: string;
  line: number;
}

export interface Qualifiers {
  deny: boolean;
  audit: boolean;
  owner: boolean;
}

export interface FileRule extends Qualifiers {
  kind: 'file';
  glob: CompiledGlob;
  /** Permission letters as written, exec modes reduced to `x` (e.g. `rw`, `mr`, `x`). */
  perms: string;
  /** The exec transition as written (`ix`, `Px`, `Cx`, ...), when the rule has one. */
  exec?: string;
  /** `-> target` of an exec transition or a link. */
  target?: string;
  text: string;
  origin: RuleOrigin;
}

export interface NetworkRule extends Qualifiers {
  kind: 'network';
  /** undefined: every domain. */
  domain?: string;
  /** undefined: every type. */
  type?: string;
  protocol?: string;
  text: string;
  origin: RuleOrigin;
}

export interface CapabilityRule extends Qualifiers {
  kind: 'capability';
  /** Empty: every capability. */
  caps: string[];
  text: string;
  origin: RuleOrigin;
}

/** signal, ptrace, unix, dbus, mount, umount, pivot_root, change_profile, userns, io_uring, mqueue, ... */
export interface OtherRule extends Qualifiers {
  kind: 'signal' | 'ptrace' | 'unix' | 'dbus' | 'mount' | 'umount' | 'remount' | 'pivot_root' | 'change_profile' | 'userns' | 'io_uring' | 'mqueue' | 'rlimit' | (string & {});
  /** Access words (`send`, `receive`, `read`, `trace`, `connect`, ...); empty: all of them. */
  perms: string[];
  /** key=value conditions (`set`, `peer`, `bus`, `path`, `interface`, `member`, `type`, `addr`, `fstype`,
   * ...). Nested `peer=(name=x label=y)` is flattened to `peer.name`, `peer.label`. Values may list
   * several words separated by spaces. */
  params: Record<string, string>;
  text: string;
  origin: RuleOrigin;
}

export type Rule = FileRule | NetworkRule | CapabilityRule | OtherRule;

export interface ProfileInfo {
  /** Full name as the kernel reports it: `parent//child` for children and hats. */
  name: string;
  /** Absolute path of the file that declares it (a child or hat: its parent's file). */
  file: string;
  /** 1-based line of the declaration in `file`. */
  line: number;
  /** Top-level profile name, for a child or hat. */
  parent?: string;
  /** Attachment (the executable path glob), when there is one. */
  attachment?: string;
  attachmentGlob?: CompiledGlob;
  isHat: boolean;
  flags: string[];
  mode: ProfileMode;
  /** Some rule allows some network access. */
  hasNetworkRules: boolean;
  /** A `deny network` rule forbids all of it (or the profile has no network rule at all: see hasNetworkRules). */
  denyNetwork: boolean;
  managedBy?: ManagedBy;
  /** Absolute path of its own `local/` include (local-include.ts), when it has one (whether or not the file exists yet). */
  localInclude?: string;
  /** Every profile the same file declares (children included). */
  fileProfiles: string[];
  /** Other files that declare a profile of the same name (a stale copy): which one the kernel holds is unknown. */
  alsoDeclaredIn?: string[];
  /** Includes as written, in order, with nested ones (`abstractions/base`, `local/usr.sbin.nginx`). */
  includes: string[];
  /** Includes that could not be found (not `if exists` ones). */
  missingIncludes: string[];
  fileRules: FileRule[];
  networkRules: NetworkRule[];
  capabilityRules: CapabilityRule[];
  otherRules: OtherRule[];
}

export interface ProfileIndex {
  lookup(name: string): ProfileInfo | undefined;
  profiles(): ProfileInfo[];
  /** Profiles whose attachment matches an executable path (for `Px` suggestions). */
  byAttachment(path: string): ProfileInfo[];
  /**
   * An abstraction (e.g. `abstractions/fonts`) the index knows whose rules allow `path` with
   * `perms`; `owner` false: for another user's file, where its `owner` rules do not hold.
   */
  abstractionFor(path: string, perms: string, owner?: boolean): string | undefined;
  /** Problems met while building: unparsable blocks, missing includes. */
  readonly problems: string[];
}
