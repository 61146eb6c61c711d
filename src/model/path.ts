/**
 * Path names as text: the last part and the directory of a path taken from a log record or a
 * profile, without touching the filesystem (node:path would also normalise, which a log's path
 * must not be). Pure.
 */

/** The last part of a path (`nginx` of `/usr/sbin/nginx`; empty when it ends in `/`). */
export function basenameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Everything up to and including the last `/` (empty when there is none). */
export function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}
