/**
 * generalisedPath as it was written before its rule was grown part by part (the whole rule joined
 * again for every component, every component tried on the UUID and hex-id expressions): the
 * reference test/classify/shortcuts.test.ts holds src/classify/rule-shapes.ts to.
 */
import type { DenialFacts } from '../../src/classify/facts.js';

const PLAIN = /^[\w.+:@-]*$/;
/** `@` is literal in a rule path only escaped (`@{` starts a variable). */
const lit = (c: string) => c.replace(/@/g, '\\@');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_ID = /^(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}$/i;

/** One path component with its run-to-run parts globbed, or undefined when it has none. */
function genericComponent(c: string, under: string, last: boolean): string | undefined {
  if (UUID.test(c)) return '[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*';
  if (HEX_ID.test(c)) return '[0-9a-f]*';
  const uuidIn = /^(.*?)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(.*)$/i.exec(c);
  if (uuidIn && uuidIn[1].length + uuidIn[2].length >= 3) return `${uuidIn[1]}[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*-[0-9a-f]*${uuidIn[2]}`;
  // cgroup and systemd names: session-3.scope, user-1000.slice, run-r1234.scope, app-gnome-x-4567.scope
  if (/^\/sys\/fs\/cgroup\//.test(under)) {
    const m = /^([a-z][\w-]*?[-@])[a-z]?([0-9]+)(\.(?:scope|slice|service))$/i.exec(c);
    if (m) return `${lit(m[1])}[0-9]*${m[3]}`;
  }
  if (last && /^\.#([\w.+-]+?)[0-9a-f]{16}$/.test(c)) return `.#${/^\.#([\w.+-]+?)[0-9a-f]{16}$/.exec(c)![1]}[0-9a-f]*`;
  if (last && /^\.([\w+-][\w.+-]*\.[A-Za-z]+)[0-9]{6,10}$/.test(c)) return `.${/^\.([\w+-][\w.+-]*\.[A-Za-z]+)[0-9]{6,10}$/.exec(c)![1]}[0-9]*`;
  // a pid or counter at the end of a shared-memory, lock or session file name: mono.20414, lttng-ust-wait-5, 27.ref
  if (last && /^\/(?:dev\/shm|run\/shm|run|var\/run|tmp|var\/tmp)\//.test(under)) {
    const m = /^([\w.+-]*?[.-])?([0-9]+)(\.[a-z]+)?$/i.exec(c);
    if (m && (m[1] ?? '').length + (m[3] ?? '').length >= 3) return `${m[1] ?? ''}[0-9]*${m[3] ?? ''}`;
  }
  return undefined;
}

/**
 * The path as a rule that matches it next time, with `owner` when it is the process's own /proc
 * entry; undefined when nothing in it changes from run to run (the caller writes it literally).
 */
export function generalisedPathPlain(path: string, f: DenialFacts): { path: string; owner: boolean } | undefined {
  const pid = f.r.fields.pid;
  const parts = path.split('/');
  if (parts[0] !== '' || parts.some((p, i) => i > 0 && !PLAIN.test(p) && !(i === parts.length - 1 && /^\.#([\w.+-]+?)[0-9a-f]{16}$/.test(p)))) return undefined;
  let changed = false;
  let owner = false;
  const out: string[] = [''];
  for (let i = 1; i < parts.length; i++) {
    const c = parts[i];
    const prev = parts[i - 1];
    const under = out.join('/');
    if (i === 1 && c === 'proc' && /^[0-9]+$/.test(parts[2] ?? '')) {
      const own = parts[2] === pid;
      out.push('@{PROC}', own ? '@{pid}' : '@{pids}');
      owner = own;
      changed = true;
      i++;
      continue;
    }
    // a user's home: @{HOME}, as profiles write it (the user name is the host's, not the program's)
    // only with `owner` (the file is the process's user's): @{HOME} alone would reach every user's files
    const ownFile = f.r.fields.fsuid !== undefined && f.r.fields.fsuid === f.r.fields.ouid;
    if (i === 1 && c === 'home' && parts.length > 3 && parts[2] !== '' && ownFile) {
      out.push('@{HOME}');
      owner = true;
      changed = true;
      i++;
      continue;
    }
    if (prev === 'task' && /^[0-9]+$/.test(c) && under.startsWith('/@{PROC}')) {
      out.push('@{tid}');
      changed = true;
      continue;
    }
    if (under === '/dev/pts' && /^[0-9]+$/.test(c)) {
      out.push('[0-9]*');
      changed = true;
      continue;
    }
    if (under === '/dev' && /^tty[0-9]+$/.test(c)) {
      out.push('tty[0-9]*');
      changed = true;
      continue;
    }
    // a snap's revision directory changes with every refresh
    if (/^[0-9]+$/.test(c) && (/^\/snap\/[^/]+$/.test(under) || /^\/(?:@\{HOME\}|root)\/snap\/[^/]+$/.test(under))) {
      out.push('[0-9]*');
      changed = true;
      continue;
    }
    if (under === '/run/user' && /^[0-9]+$/.test(c)) {
      out.push('@{uid}');
      changed = true;
      continue;
    }
    const g = genericComponent(c, path, i === parts.length - 1);
    if (g) {
      out.push(g);
      changed = true;
      continue;
    }
    out.push(lit(c));
  }
  if (!changed) return undefined;
  const rule = out.join('/').replace(/^\/@\{(PROC|HOME)\}/, '@{$1}');
  return { path: rule.includes('#') ? `"${rule}"` : rule, owner };
}
