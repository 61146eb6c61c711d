/**
 * What to do about a denial. For a missing rule: the rule in profile syntax with the minimal mask
 * (a glob where the neighbouring rules show one, an abstraction where one covers it) and the file it
 * belongs in. For a likely attack: what to do instead of loosening the profile.
 *
 * Every value here comes from a log line: a path with glob or variable characters is escaped so
 * the suggested rule allows exactly that path and nothing wider; one with control characters or
 * quotes gets no rule at all.
 */
import type { Suggestion } from '../model/record.js';
import { hasGlob } from '../profiles/glob.js';
import { managedAdvice } from '../profiles/managed.js';
import type { FileRule, ProfileIndex } from '../profiles/types.js';
import { basenameOf, type DenialFacts } from './facts.js';
import type { Findings } from './signals.js';

/** Quotes and escapes a path from a log so it reads as exactly that path in a rule, or undefined. */
export function rulePath(path: string): string | undefined {
  if (!path.startsWith('/') || /[\u0000-\u001f\u007f-\u009f"\\]/.test(path)) return undefined;
  const needsQuotes = /[\s,#]/.test(path);
  const globby = /[*?[\]{}@]/.test(path);
  // escapes inside quotes are not read the same way by every parser version: write neither then
  if (needsQuotes && globby) return undefined;
  if (needsQuotes) return `"${path}"`;
  return globby ? path.replace(/[*?[\]{}@]/g, (c) => `\\${c}`) : path;
}

/** A safe word for a rule parameter (peer label, interface, member, ...), or undefined. */
function ruleWord(v: string | undefined): string | undefined {
  if (v === undefined || v === '' || /[\u0000-\u001f\u007f-\u009f"\\\s,(){}]/.test(v)) return undefined;
  return v;
}

/** Profile mask letters for the kernel's: create and delete need `w`; exec gets a transition. */
export function minimalPerms(mask: string): string {
  const out = new Set<string>();
  for (const k of mask) {
    if (k === 'c' || k === 'd' || k === 't') out.add('w');
    else if ('rwamlk'.includes(k)) out.add(k);
  }
  if (out.has('w')) out.delete('a');
  return ['m', 'r', 'w', 'a', 'l', 'k'].filter((k) => out.has(k)).join('');
}

/** A glob from a neighbouring rule in the same directory that, widened by a trailing `*`, covers the name. */
function neighbourGlob(path: string, neighbours: FileRule[]): string | undefined {
  const dir = path.slice(0, path.lastIndexOf('/') + 1);
  const name = basenameOf(path);
  for (const r of neighbours) {
    for (const e of r.glob.expanded) {
      const edir = e.slice(0, e.lastIndexOf('/') + 1);
      const ebase = e.slice(e.lastIndexOf('/') + 1);
      if (edir !== dir || !hasGlob(ebase) || ebase.includes('**')) continue;
      if (r.glob.re.test(path)) continue; // it already matches: only the mask is missing, keep the path literal
      const widened = `${ebase}*`;
      const re = new RegExp(`^${widened.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      if (re.test(name)) {
        // keep the directory as the profile wrote it (variables included)
        const src = r.glob.source;
        return `${src}*`;
      }
    }
  }
  return undefined;
}

function own(path: string, f: DenialFacts): boolean {
  return f.r.fields.fsuid !== undefined && f.r.fields.fsuid === f.r.fields.ouid && f.r.fields.fsuid !== '0' && /^\/(?:home|tmp|var\/tmp|run\/user)\//.test(path);
}

function where(f: DenialFacts, generated: string | undefined): { file?: string; text: string } {
  if (generated) return { text: generated };
  const info = f.info;
  if (!info) return { text: `add it to the file that declares ${f.profile}` };
  if (info.parent) return { file: info.file, text: `add it inside \`profile ${f.profile.split('//').pop()} { ... }\` in ${info.file}` };
  if (info.localInclude) return { file: info.localInclude, text: `add it to ${info.localInclude} (the profile's local include), then reload ${info.file}` };
  return { file: info.file, text: `add it to ${info.file}, then reload it` };
}

function fileRule(f: DenialFacts, find: Findings, index: ProfileIndex | undefined): { rules: string[]; note?: string } | undefined {
  const path = f.path ?? '';
  if (find.abstraction) return { rules: [`include <${find.abstraction}>`], note: `<${find.abstraction}> covers ${path}` };
  const procOwn = /^\/proc\/(\d+)\//.exec(path);
  let target: string | undefined;
  if (procOwn && procOwn[1] === f.r.fields.pid) target = `@{PROC}/@{pid}/${path.slice(procOwn[0].length).replace(/[*?[\]{}@\s,"\\]/g, (c) => `\\${c}`)}`;
  const glob = neighbourGlob(path, find.neighbours);
  let note: string | undefined;
  if (!target && glob) {
    target = glob;
    note = `the glob follows the neighbouring rule ${glob.slice(0, -1)}`;
  }
  target ??= rulePath(path);
  if (!target) return undefined;
  if (f.access === 'exec') {
    const px = index?.byAttachment(path)[0];
    const cx = f.info?.fileProfiles.find((n) => n.startsWith(`${f.profile}//`) && index?.lookup(n)?.attachmentGlob?.re.test(path));
    if (cx) return { rules: [`${target} Cx -> ${cx.split('//').pop()},`] };
    if (px) return { rules: [`${target} Px,`], note: `${px.name} confines ${path}` };
    return { rules: [`${target} ix,`], note: 'ix runs it under the same profile; use Px if it has a profile of its own' };
  }
  const perms = minimalPerms(f.mask);
  if (!perms) return undefined;
  if (find.movedFrom) note = `the profile allows the same file at ${find.movedFrom.glob.source}`;
  return { rules: [`${own(path, f) ? 'owner ' : ''}${target} ${perms},`], note };
}

function otherRule(f: DenialFacts): string | undefined {
  const fl = f.r.fields;
  switch (f.access) {
    case 'net': {
      const fam = ruleWord(fl.family);
      const type = ruleWord(fl.sock_type);
      return fam ? `network ${fam}${type ? ` ${type}` : ''},` : undefined;
    }
    case 'cap': {
      const cap = ruleWord(fl.capname);
      return cap ? `capability ${cap},` : undefined;
    }
    case 'signal': {
      const perm = /receive/.test(f.mask) ? 'receive' : 'send';
      const sig = ruleWord(fl.signal);
      const peer = ruleWord(fl.peer ?? fl.peer_label);
      return `signal (${perm})${sig ? ` set=(${sig})` : ''}${peer ? ` peer=${peer}` : ''},`;
    }
    case 'ptrace': {
      const perm = f.mask.split(/[\s,]+/).filter((w) => /^(?:read|trace|readby|tracedby)$/.test(w));
      const peer = ruleWord(fl.peer ?? fl.peer_label);
      return `ptrace (${perm.join(', ') || 'read'})${peer ? ` peer=${peer}` : ''},`;
    }
    case 'unix': {
      const perms = f.mask.split(/[\s,]+/).filter((w) => /^[a-z_]+$/.test(w));
      const type = ruleWord(fl.sock_type);
      const addr = fl.addr && /^@?[\w./:-]+$/.test(fl.addr) ? ` peer=(addr="${fl.addr}")` : '';
      return `unix (${perms.join(', ') || 'connect, send, receive'})${type ? ` type=${type}` : ''}${addr},`;
    }
    case 'dbus': {
      const parts = [`dbus ${ruleWord(fl.mask) ?? 'send'}`];
      for (const k of ['bus', 'path', 'interface', 'member'] as const) {
        const v = ruleWord(fl[k]);
        if (v) parts.push(`${k}=${v}`);
      }
      const peer = [ruleWord(fl.name) && `name=${fl.name}`, ruleWord(fl.peer_label) && `label=${fl.peer_label}`].filter(Boolean);
      if (peer.length) parts.push(`peer=(${peer.join(', ')})`);
      return `${parts.join(' ')},`;
    }
    default:
      return undefined;
  }
}

export function missingRuleSuggestion(f: DenialFacts, find: Findings, index: ProfileIndex | undefined): Suggestion {
  const generated = f.managedBy ? managedAdvice(f.managedBy) : undefined;
  if (find.alreadyAllowed && f.info) {
    return {
      kind: 'none',
      text: `${f.info.file} already allows this (\`${find.alreadyAllowed.text},\`): reload the profile (apparmor_parser -r ${f.info.file}) instead of adding a rule`,
      file: f.info.file,
    };
  }
  const loc = where(f, generated);
  let rules: string[] | undefined;
  let note: string | undefined;
  if (f.access === 'file' || f.access === 'exec') {
    const fr = fileRule(f, find, index);
    rules = fr?.rules;
    note = fr?.note;
  } else {
    const r = otherRule(f);
    rules = r ? [r] : undefined;
  }
  if (!rules) return { kind: 'none', text: `no rule is suggested: the log values cannot be written safely as a rule; ${loc.text}` };
  return { kind: 'rule', text: `${loc.text}${note ? ` (${note})` : ''}`, rules, file: loc.file };
}

export function explicitDenySuggestion(f: DenialFacts, find: Findings): Suggestion {
  const d = find.explicitDeny!;
  return {
    kind: 'none',
    text: `adding a rule would not help: \`${d.text},\` in ${d.origin.file}:${d.origin.line} denies it on purpose (deny wins over allow, even in complain mode); if the service truly needs it, that deny rule is a policy decision for the profile's owner`,
    file: f.info?.file,
  };
}

export function respondSuggestion(f: DenialFacts): Suggestion {
  const first = f.happened
    ? `It was ALLOWED: complain mode let it happen, so treat it as done and put ${f.profile} back in enforce mode${f.info ? ` (aa-enforce ${f.info.file})` : ''}.`
    : `Keep ${f.profile} in enforce mode: the profile stopped this.`;
  return {
    kind: 'respond',
    text: `${first} Isolate the host from the network if the signals hold, preserve evidence (this log, ${f.pid ? `/proc/${f.pid} while the process runs, ` : ''}the files it touched) and investigate the service. No rule is suggested and a one-key complain is not offered: complain mode would let exactly this through, and AppArmor gives no protection in complain mode against a hostile process.`,
  };
}
