/**
 * Who the confined program is, from its profile name (and, for a container or sandbox profile that
 * many programs share, the command name): the same `sys_admin`, mount, ptrace or shell exec means
 * different things for a network-facing server and for a browser sandbox, a snap, a container
 * runtime, a hypervisor helper or an administrator's tool.
 *
 * Pure knowledge about program families, matched on names: never on a whole log line.
 */
import { generatedOwner } from '../profiles/managed.js';

export type ProgramKind =
  /** Web, database, mail, DNS, time, file and print servers: reachable from the network, judged strictly. */
  | 'network service'
  /** Document and media converters (man, groff, print filters, thumbnailers): never need a shell or the network. */
  | 'document filter'
  /** Browsers, Electron apps and other sandboxing programs; Ubuntu's unprivileged_userns profile. */
  | 'sandbox'
  /** A snap's generated profile, snap-confine, snap-update-ns. */
  | 'snap'
  /** Container runtimes and the profiles containers run under (docker-default, lxc/lxd/incus). */
  | 'container'
  /** libvirt, qemu, swtpm, virt-aa-helper, multipass. */
  | 'hypervisor'
  /** Tools an administrator or a monitoring agent runs: ps/top, tcpdump, package managers, network setup. */
  | 'admin tool'
  /** Desktop session programs (notification daemons, file managers, viewers). */
  | 'desktop app'
  /** Anything else: a system or custom service, judged on the access alone. */
  | 'service';

/** The kind with its article, as a reason writes it: `an admin tool`, `a container`. */
export function aKind(kind: ProgramKind): string {
  return `${kind === 'admin tool' ? 'an' : 'a'} ${kind}`;
}

export interface Program {
  kind: ProgramKind;
  /** The short name the kind was recognised by. */
  name: string;
  /** The runtime side of a container or hypervisor family (dockerd, runc, libvirtd), not a workload. */
  runtime?: boolean;
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

const NETWORK_SERVICES =
  /^(?:nginx|apache2?|httpd|lighttpd|caddy|haproxy|php-fpm[0-9.]*|uwsgi|gunicorn|tomcat[0-9]*|traefik|envoy|varnishd|h2o|squid|mysqld|mariadbd|postgres|postgresql|redis-server|valkey-server|mongod|memcached|clickhouse-server|influxd|etcd|exim4?|postfix|smtpd|master|dovecot|sendmail|opendkim|rspamd|maddy|named|bind9?|unbound|dnsmasq|pdns_server|pdns_recursor|nsd|knotd|dnscrypt-proxy|sshd|vsftpd|proftpd|pure-ftpd|smbd|nmbd|samba|slapd|krb5kdc|ntpd|chronyd|tlsdated|cupsd|cups-browsed|avahi-daemon|snmpd|openvpn|mosquitto|rabbitmq-server|asterisk|prosody|ejabberd|tor|named-pkcs11)$/;

const DOCUMENT_FILTERS =
  /^(?:man_filter|man_groff|groff|nroff|troff|grotty|mandb|foomatic-rip|cups-pdf|gs|ghostscript|gsc|convert|magick|pdftotext|pdftoppm|exiftool|evince-thumbnailer|totem-video-thumbnailer|gnome-thumbnail-factory|ffmpegthumbnailer|tumblerd)$/;

const SANDBOXES =
  /^(?:unprivileged_userns|unpriv_[\w-]+|firefox(?:-esr|-bin)?|firefox\.sh|chrome|chromium(?:-browser)?|google-chrome(?:-stable|-beta)?|msedge|microsoft-edge|brave(?:-browser)?|opera|vivaldi(?:-bin)?|epiphany(?:-browser)?|qutebrowser|librewolf|torbrowser|tor-browser|thunderbird|electron[0-9]*|code|code-insiders|vscode|codium|slack|discord|signal-desktop|element-desktop|teams(?:-for-linux)?|spotify|obsidian|mattermost-desktop|standard-notes|simplenote|typeapp-mail|keepassxc|1password|bitwarden|notion-app|postman|zoom|skypeforlinux|whatsapp[\w-]*|telegram-desktop|steam|bwrap|bubblewrap|firejail(?:-default)?|flatpak|qtwebengineprocess|chrome-sandbox|chrome_crashpad_handler|nacl_helper|buildah|podman|rootlesskit|slirp4netns|lxc-usernsexec|userbindmount|linux-sandbox|mmdebstrap|sbuild|plasmashell|electron-builder[\w-]*)$/i;

/** The Electron and browser apps often packaged as snaps (their sandbox asks for userns and sys_admin). */
const CONTAINER_RUNTIMES =
  /^(?:dockerd|docker|containerd|containerd-shim[\w-]*|runc|crun|youki|lxd|lxc-start|lxc-attach|lxc-execute|incusd|incus|lxcfs|podman|conmon|nerdctl|rootlesskit|buildkitd|kubelet|nomad|k3s|hassio-supervisor|kubearmor[\w-]*)$/;
/**
 * The profile Ubuntu's user-namespace restriction moves a process into (`unprivileged_userns`, or a
 * stack with it): its `audit deny capability,` is the restriction itself.
 */
export function usernsRestricted(profile: string): boolean {
  return profile === 'unprivileged_userns' || profile.endsWith('//&unprivileged_userns');
}

/** Whether a program's name (a command, or a profile's last name part) is a container runtime or orchestrator's. */
export function isContainerRuntime(name: string): boolean {
  return CONTAINER_RUNTIMES.test(name);
}
/** The profiles containers run under; `0123abcd_name`: a Home Assistant add-on (its repository's
 * hash and its name), which the Supervisor runs in a container of its own under a profile of its own. */
const CONTAINER_PROFILES =
  /^(?:docker-default|nerdctl-default|cri-containerd\.apparmor\.d|containers-default-[\w.-]*|lxc-container-default[\w-]*|lxc-default[\w-]*|lxd-[^/]*|lxc-[^/]*|incus-[^/]*|incus_[^/]*|lxd_[^/]*|kubearmor-[^/]*|hassio-[^/]*|[0-9a-f]{8}_[a-z0-9][\w-]*)$/;

const HYPERVISOR =
  /^(?:libvirtd|virtqemud|virtlogd|virtlockd|virt-aa-helper|libvirt-[0-9a-f-]{36}|qemu[\w.-]*|qemu-system-[\w-]+|swtpm|virtiofsd|multipass[\w.-]*|multipassd|libvirt_leaseshelper|virt-manager)$/;

const ADMIN_TOOLS =
  /^(?:ps|top|htop|btop|atop|nvtop|iotop|glances|lsof|pgrep|pidof|pkill|free|uptime|w|readlink|tlp|hwctl|lsmod|kmod|modprobe|spectre-meltdown-checker|ubuntu_pro[\w-]*|ubuntu-advantage|ua|apt|apt-get|apt-check|dpkg|unattended-upgrade[s]?|aa-[\w-]+|apparmor_parser|unix-chkpwd|sudo|su|passwd|chsh|zgrep|grep|find|man|host|dig|nslookup|ping|ping6|traceroute|tracepath|mtr|arping|dhclient|dhcpcd|dhcpcd_run_hooks|dhcpcd-run-hooks|networkmanager|nm-[\w-]+|wpa_supplicant|systemd-networkd|systemd-resolved|systemd-timesyncd|systemd-[\w-]+|systemd|tcpdump|tshark|dumpcap|wireshark|smartctl|hdparm|nvidia-smi|nvidia_modprobe|nvidia-modprobe|lsb_release|sensors|dmidecode|lshw|inxi|neofetch|fastfetch|fwupd|fwupdmgr|snap|snapd|process-agent|system-probe|security-agent|trace-agent|datadog-agent|node_exporter|telegraf|zabbix_agentd|netdata|collectd|monit|fluent-bit|filebeat|auditbeat|syslog-ng|rsyslogd|journalctl|logrotate|clamd|clamscan|freshclam|rkhunter|lynis|aide|tuned|irqbalance|thermald|powertop|upower|acpid|udisksd|udevadm|mount|umount|fsck|e2fsck|blkid|lsblk|cryptsetup|lvm|mdadm|zfs|zpool|btrfs|xfs_\w+|sshfs|sshfs_server|chrony|ntpdate)$/i;

const DESKTOP =
  /^(?:xorg|xwayland|gnome-[\w-]+|gsd-[\w-]+|kde[\w-]*|plasma[\w-]*|nautilus|dolphin|thunar|evince|okular|eog|totem|vlc|mpv|gimp|inkscape|libreoffice[\w-]*|soffice\.bin|pipewire[\w-]*|wireplumber|pulseaudio|mako|dunst|swaync|xdg-[\w-]+|gvfsd[\w-]*|tracker-[\w-]+|kodi|kodi\.bin|mate-[\w-]+|xfce4-[\w-]+|cinnamon[\w-]*|geary|evolution[\w-]*|rhythmbox|shotwell|transmission-gtk|deja-dup|update-notifier|snap-store|gnome-software)$/i;

/** The names a profile and its attachment go by: `/usr/sbin/nginx` -> nginx; `snap.discord.discord` -> discord; `a//b` -> a and b. */
function namesOf(profile: string): string[] {
  const out: string[] = [];
  const clean = profile.replace(/^:[^:]+:\/?\/?/, '');
  for (const stacked of clean.split('//&')) {
    for (const part of stacked.replace(/^&/, '').split('//')) {
      if (!part) continue;
      // a learning child `null-/usr/bin/x` is the program x
      const named = part.startsWith('null-') ? part.slice(5) : part;
      const n = (named.startsWith('/') ? base(named) : named).replace(/^usr\.(?:local\.)?(?:s?bin|lib)\./, '');
      out.push(n);
      // reverse-DNS profile names (`fr.emersion.Mako`): the last part is the program
      const rdns = /^(?:[a-z0-9-]+\.){2,}([A-Za-z][\w-]*)$/.exec(n);
      if (rdns && !n.startsWith('snap.')) out.push(rdns[1]);
    }
  }
  return out;
}

/**
 * `snap.discord.discord` -> discord; `snap.nextcloud.php-fpm` -> php-fpm (the app inside the snap,
 * then the snap). Snaps that ship several daemons often name them `daemon-NAME`
 * (`snap.microk8s.daemon-containerd`): NAME is the program.
 */
function snapApp(name: string): string[] {
  const m = /^snap\.([^.]+)\.(.+)$/.exec(name);
  if (!m) return [];
  const daemon = /^daemon-(.+)$/.exec(m[2]);
  return daemon ? [daemon[1], m[2], m[1]] : [m[2], m[1]];
}

/**
 * The program a profile confines. Order matters: a server packaged as a snap is still a server;
 * a browser packaged as a snap is a sandbox; a container's generated profile covers whatever runs
 * in the container, so its command name says more.
 */
const known = new Map<string, Program>();

export function programOf(profile: string, attachment?: string, comm?: string): Program {
  // the same few profiles come back for every record: decide each (with its command name) once
  const key = `${profile}\u0000${attachment ?? ''}\u0000${comm ?? ''}`;
  let p = known.get(key);
  if (!p) {
    if (known.size >= 4096) known.clear();
    known.set(key, (p = decideProgram(profile, attachment, comm)));
  }
  return p;
}

/** Whether the command name can change what programOf says of this profile: only for a profile
 * that does not say who it is (unconfined, or no name of its own). */
export function commDecides(profile: string, attachment?: string): boolean {
  return profile === 'unconfined' || (!attachment && namesOf(profile).length === 0);
}

function decideProgram(profile: string, attachment?: string, comm?: string): Program {
  // the innermost name first: in `parent//child` or `session//null-/usr/bin/app` the child is what runs
  const names = [...(attachment ? [base(attachment)] : []), ...namesOf(profile).reverse()];
  const owner = generatedOwner(profile);
  for (const n of names) {
    if (/^unprivileged_userns$/.test(n)) return { kind: 'sandbox', name: n };
  }
  for (const n of names) {
    if (/^snap(?:-confine|-update-ns(?:\..*)?|-device-helper)$|^snap-update-ns\./.test(n) || /\/snapd\/snap-confine$/.test(profile)) return { kind: 'snap', name: 'snap-confine', runtime: true };
    for (const app of snapApp(n)) {
      if (NETWORK_SERVICES.test(app)) return { kind: 'network service', name: app };
      if (SANDBOXES.test(app)) return { kind: 'sandbox', name: app };
      if (ADMIN_TOOLS.test(app)) return { kind: 'admin tool', name: app };
      // a container runtime packaged as a snap (snap.docker.dockerd) runs containers all the same
      if (CONTAINER_RUNTIMES.test(app)) return { kind: 'container', name: app, runtime: true };
    }
    if (/^snap\./.test(n)) return { kind: 'snap', name: snapApp(n).at(-1) ?? n };
  }
  for (const n of names) {
    if (NETWORK_SERVICES.test(n)) return { kind: 'network service', name: n };
    if (DOCUMENT_FILTERS.test(n)) return { kind: 'document filter', name: n };
  }
  for (const n of names) {
    if (SANDBOXES.test(n)) return { kind: 'sandbox', name: n };
    if (HYPERVISOR.test(n)) return { kind: 'hypervisor', name: n, runtime: !/^libvirt-[0-9a-f-]{36}$/.test(n) };
    if (CONTAINER_RUNTIMES.test(n)) return { kind: 'container', name: n, runtime: true };
    if (CONTAINER_PROFILES.test(n) || owner === 'docker' || owner === 'containerd' || owner === 'podman' || owner === 'lxd' || owner === 'lxc' || owner === 'incus')
      return { kind: 'container', name: n };
    if (ADMIN_TOOLS.test(n)) return { kind: 'admin tool', name: n };
    if (DESKTOP.test(n) || /^(?:[a-z]{2,}\.){2}[A-Za-z][\w-]*$/.test(n)) return { kind: 'desktop app', name: n };
  }
  if (owner === 'libvirt') return { kind: 'hypervisor', name: 'libvirt' };
  // a profile that does not say who it is (unconfined, a child of a generic parent): the command does
  if (comm && (profile === 'unconfined' || names.length === 0)) {
    const c = comm.replace(/^\((.*)\)$/, '$1');
    if (SANDBOXES.test(c)) return { kind: 'sandbox', name: c };
    if (CONTAINER_RUNTIMES.test(c) || /^runc:\[/.test(c)) return { kind: 'container', name: c, runtime: true };
    if (ADMIN_TOOLS.test(c)) return { kind: 'admin tool', name: c };
  }
  return { kind: 'service', name: names[0] ?? profile };
}

/** Command names of tools that read other processes' /proc entries for a living. */
export const PROCESS_VIEWERS =
  /^(?:apps\.plugin|ps|top|htop|btop|atop|nvtop|iotop|glances|pgrep|pidof|pkill|lsof|fuser|w|uptime|free|readlink|process-agent|system-probe|agent|node_exporter|telegraf|zabbix_agentd|netdata|collectd|monit|tlp|spectre-meltde|sensors|health)$/;

/** Command names of debuggers and tracers: attaching with them to another process is an injection or sniffing step. */
export const TRACERS = /^(?:strace|ltrace|gdb|lldb|perf|bpftrace|frida[\w-]*|gcore|ptrace|linux_injector)$/;
