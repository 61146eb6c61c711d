/**
 * Strings kept past their record (the timeline's key records and incidents, the list's remembered
 * patterns) are copied first, so that what is kept does not hold its log line.
 */

/**
 * A copy of a string that does not keep the line it was cut from alive: V8 represents a slice of
 * a long string as a view onto it, so a kept field would otherwise hold its whole log line. The
 * copy goes through a buffer: linear and cheap whatever the string holds (a JSON round trip costs
 * six times the length for control characters, and a log field can be megabytes of them).
 */
export function own(s: string): string;
export function own(s: string | undefined): string | undefined;
export function own(s: string | undefined): string | undefined {
  // a value that is not a string (a record built by hand) is kept as it is
  return typeof s !== 'string' || s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}
