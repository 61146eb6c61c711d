/**
 * Which of a profile's `local/` includes its site additions go into. Pure.
 *
 * Not simply the first: Debian's smbd includes `local/usr.sbin.smbd-shares`, which samba's share
 * script rewrites, before `local/usr.sbin.smbd`; a file of several profiles (Debian's transmission)
 * includes a shared `local/transmission` and each profile's own `local/transmission-daemon`, and a
 * rule in the shared one widens every profile that includes it. So: one no other profile of the
 * file (nor its preamble) includes, the one named after the file or the profile first.
 */
import { basename } from 'node:path/posix';

/**
 * `refs`: the profile's local includes as written (`local/usr.sbin.smbd`), in file order; `shared`:
 * those of them something else in the file includes too; `profile`, `file`: its name and the file
 * declaring it. Undefined when it has none of its own.
 */
export function chooseLocalInclude(refs: readonly string[], shared: readonly string[], profile: string, file: string): string | undefined {
  const own = refs.filter((r) => !shared.includes(r));
  const named = [`local/${basename(file)}`, `local/${profile.replace(/^\//, '').replaceAll('/', '.')}`];
  return own.find((r) => named.includes(r)) ?? own[0];
}
