/**
 * Profiles a daemon generates and rewrites: editing them by hand does not last or
 * fails, so the classifier says where the change belongs instead. Known by name pattern, by an LXD /
 * LXC / Incus policy namespace, and by location (snapd keeps its profiles under /var/lib/snapd).
 */
import type { ManagedBy } from './types.js';

/**
 * The one list of generated profile names, for the classifier's advice and for the action guard's
 * refusal. A generated profile is one a daemon writes and rewrites; a name an administrator chose
 * for a profile they maintain (docker-nginx for --security-opt, libvirt-foo) is theirs to change:
 * - snapd writes snap.*, snap-update-ns.* and, when it re-executes from the snapd snap,
 *   snap-confine.* (the packaged profile is /usr/lib/snapd/snap-confine, a file like any other);
 * - dockerd writes docker-default only; containerd cri-containerd.*; nerdctl (containerd's Docker-style
 *   command) nerdctl-default; podman containers-default-*;
 * - libvirt's virt-aa-helper writes libvirt-<domain uuid>;
 * - LXD, Incus and LXC write lxd-*, incus-*, lxc-* for their containers.
 */
const NAME_PATTERNS: [RegExp, ManagedBy][] = [
  [/^snap(?:-update-ns|-confine)?\./, 'snapd'],
  [/^docker-default$/, 'docker'],
  [/^cri-containerd\./, 'containerd'],
  [/^nerdctl-default$/, 'nerdctl'],
  [/^containers-default-/, 'podman'],
  [/^libvirt-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'libvirt'],
  [/^lxd-/, 'lxd'],
  [/^incus-/, 'incus'],
  [/^lxc-/, 'lxc'],
];

/** The daemon that owns a profile, from its name (`:ns:name` namespaces included) and file. */
export function generatedOwner(name: string, file?: string): ManagedBy | undefined {
  if (file && /^\/var\/lib\/snapd\//.test(file)) return 'snapd';
  if (file && /^\/var\/lib\/(?:lxd|incus)\//.test(file)) return file.includes('/incus/') ? 'incus' : 'lxd';
  if (file && /^\/(?:etc|var\/lib)\/libvirt\//.test(file)) return 'libvirt';
  // a profile inside a container's policy namespace: `:lxd-c1_<var-snap-lxd-common-lxd>://name`
  const ns = /^:([^:]+):/.exec(name);
  if (ns) {
    for (const [re, owner] of NAME_PATTERNS) if (re.test(ns[1])) return owner;
  }
  for (const part of name.split('//&')) {
    const base = part.replace(/^&/, '').split('//')[0];
    for (const [re, owner] of NAME_PATTERNS) if (re.test(base)) return owner;
  }
  return undefined;
}

/** Where a change to a generated profile belongs, one sentence. */
export function managedAdvice(owner: ManagedBy): string {
  switch (owner) {
    case 'snapd':
      return 'snapd generates this profile: a hand edit is overwritten; connect the snap interface that grants it (snap connections, snap connect) or report it to the snap publisher';
    case 'docker':
      return 'docker generates this profile: run the container with a custom profile (--security-opt apparmor=PROFILE) instead of editing docker-default';
    case 'containerd':
    case 'nerdctl':
    case 'podman':
      return `${owner} generates this profile: give the container a custom AppArmor profile in its runtime configuration instead of editing this one`;
    case 'libvirt':
      return 'libvirt (virt-aa-helper) generates this profile per guest: add the rule to /etc/apparmor.d/local/abstractions/libvirt-qemu or fix the guest definition';
    case 'lxd':
    case 'incus':
    case 'lxc':
      return `${owner} generates this profile for a container: set raw.apparmor in the container configuration instead of editing it on the host`;
    case 'flatpak':
      return 'flatpak generates this profile: change the application permissions instead';
  }
}
