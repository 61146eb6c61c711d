/**
 * A screen region as a list of lines, each made of styled segments. Every screen is computed as
 * lines by a pure function and drawn here: one Ink <Text> per line, truncated to the width, never
 * wrapped, so a region is exactly as tall as its line list.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { cutChars } from '../../model/safe-text.js';

export interface Seg {
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
  dim?: boolean;
}
export type Line = Seg[];

export function seg(text: string, style: Omit<Seg, 'text'> = {}): Seg {
  return { text, ...style };
}

/**
 * The view's boxes clip only vertically (app.tsx): a box that clips horizontally makes Ink cut
 * every line written inside it again, on every frame (a tokenizing and a rebuilding of each line).
 * A line fitted to the width by fitLine needs no cut when each of its characters takes one column:
 * printable ASCII and the view's own glyphs (dots, ellipses, rules, arrows, bars, marks; each one
 * column wide in string-width, which Ink measures with). A line with any other character (double-width ones, emoji, combining marks) is drawn in a
 * box of its own that clips: Ink's own truncation can leave such a line a column too wide.
 */
const NOT_ONE_COLUMN = /[^\x20-\x7e·…│─└┌→↓↑▁▂▃▄▅▆▇█✗✓●↻•—“”×±µ]/;

export function Lines({ lines, width }: { lines: Line[]; width: number }): React.JSX.Element {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      {lines.map((whole, i) => {
        const line = fitLine(whole, width);
        const text = (
          <Text key={i} wrap="truncate-end">
            {line.length === 0 || line.every((s) => s.text === '')
              ? ' '
              : line.map((s, j) => (
                  <Text key={j} color={s.color} bold={s.bold} inverse={s.inverse} dimColor={s.dim}>
                    {s.text}
                  </Text>
                ))}
          </Text>
        );
        return line.some((s) => NOT_ONE_COLUMN.test(s.text)) ? (
          <Box key={i} width={width} flexShrink={0} overflowX="hidden">
            {text}
          </Box>
        ) : (
          text
        );
      })}
    </Box>
  );
}

/** A line cut to `width` characters (an ellipsis where it was cut): Ink never lays out more than fits. */
export function fitLine(line: Line, width: number): Line {
  let room = Math.max(0, width);
  let total = 0;
  for (const s of line) total += s.text.length;
  if (total <= room) return line;
  const out: Line = [];
  for (const s of line) {
    if (room <= 0) break;
    if (s.text.length < room) {
      out.push(s);
      room -= s.text.length;
    } else {
      out.push({ ...s, text: `${cutChars(s.text, room - 1)}…` });
      room = 0;
    }
  }
  return out;
}

/**
 * A list's title line with its position ("12-28 of 214 ↓") at the right end when there is room,
 * else where the caller puts it inside the titles, else in place of the titles' end: the position
 * is never the part left out.
 */
export function titleLine(head: string, range: string | undefined, width: number, style: Omit<Seg, 'text'>, within?: (range: string) => string | undefined): Line {
  if (!range) return [seg(head, style)];
  const room = width - 1 - range.length;
  if (head.trimEnd().length + 2 <= room) return [seg(head.slice(0, room).padEnd(room), style), seg(range, { dim: style.dim })];
  // the caller's place inside the titles (a wide column's title), so no title is lost
  const inside = within?.(range);
  if (inside !== undefined) return [seg(inside, style)];
  // whole titles only: the one the position would cut goes with the ones after it
  const cut = head.slice(0, Math.max(0, room - 1));
  const whole = head[cut.length] === ' ' ? cut : cut.replace(/\S+$/, '');
  return [seg(whole.trimEnd().padEnd(room), style), seg(range, { dim: style.dim })];
}
