/**
 * How much of a saved input has been read, as the progress lines say it (the timeline's on stderr,
 * the interactive view's source line): whole percents, rounded down, and never 100 % while the
 * input is still being read (its last bytes are the last to be parsed).
 */
export function percentRead(fraction: number): string {
  return `${Math.min(99, Math.max(0, Math.floor(fraction * 100)))} %`;
}
