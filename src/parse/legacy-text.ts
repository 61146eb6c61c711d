/**
 * AppArmor 2.0's prose records (SUSE 10.x era, `type=APPARMOR msg=audit(...): REJECTING r access to
 * /bin/df (sh(7902) profile /usr/sbin/httpd2-prefork active SYSINFO)`). Old, but forensic reviews meet
 * old logs; libapparmor gives up on them, we read them into the same fields as modern records.
 */

const PROSE_RE = /^(REJECTING|PERMITTING|AUDITING) (.+) \((.+)\((\d+)\) profile (\S+) active (\S+)\)\s*$/;
const KINDS: Record<string, string> = { REJECTING: 'DENIED', PERMITTING: 'ALLOWED', AUDITING: 'AUDIT' };

export interface ProseRecord {
  kind: string;
  fields: Record<string, string>;
}

/** Parses the text after the audit header; undefined when it is not one of these records. */
export function parseProseRecord(text: string): ProseRecord | undefined {
  const m = PROSE_RE.exec(text);
  if (!m) return undefined;
  const fields: Record<string, string> = { comm: m[3], pid: m[4], profile: m[5], active: m[6] };
  const what = m[2];
  let x: RegExpExecArray | null;
  if ((x = /^(\S+) access to (.+)$/.exec(what)) && !what.startsWith('access ')) {
    if (x[1] === 'link') {
      const l = /^from (.+) to (.+)$/.exec(x[2]);
      if (l) Object.assign(fields, { operation: 'link', name: l[1], name2: l[2] });
    } else Object.assign(fields, { operation: 'open', requested_mask: x[1], denied_mask: x[1], name: x[2] });
  } else if ((x = /^access to syscall '(.+)'$/.exec(what))) {
    Object.assign(fields, { operation: 'syscall', name: x[1] });
  } else if ((x = /^access to capability '(.+)'$/.exec(what))) {
    Object.assign(fields, { operation: 'capable', capname: x[1], name: x[1] });
  } else if ((x = /^link access from (.+) to (.+)$/.exec(what))) {
    Object.assign(fields, { operation: 'link', name: x[1], name2: x[2] });
  } else if ((x = /^attribute \((.+)\) change to (.+)$/.exec(what))) {
    Object.assign(fields, { operation: 'setattr', attribute: x[1], name: x[2] });
  } else if ((x = /^(.+) on (\/.*)$/.exec(what))) {
    Object.assign(fields, { operation: x[1].replace(/ /g, '_'), name: x[2] });
  } else {
    fields.info = what;
  }
  return { kind: KINDS[m[1]], fields };
}
