// npm run screenshots: PNG images of each screen, rendered from the demo by the real program in a
// fixed-size terminal (tmux), captured with its colours (capture-pane -e), drawn as SVG text cells
// over a monospace font and converted to PNG with rsvg-convert. Installs tmux and librsvg2-bin with
// apt-get when they are missing and it runs as root; otherwise it says what to install.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Tmux } from '../test/tui/tmux.js';

const COLUMNS = 100;
const ROWS = 30;
const OUT = 'screenshots';
const FONT_SIZE = 14;
const CELL_W = FONT_SIZE * 0.6021; // DejaVu Sans Mono's advance width
// DejaVu Sans Mono's ascent + descent (1.164 em): box-drawing lines join up from row to row.
const CELL_H = Math.round(FONT_SIZE * 1.17);
const PAD = 12;
const FG = '#d0d0d0';
const BG = '#1c1c1c';

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensureTools(): void {
  const missing: string[] = [];
  if (!have('tmux')) missing.push('tmux');
  if (!have('rsvg-convert')) missing.push('librsvg2-bin');
  if (!missing.length) return;
  if (process.getuid?.() !== 0 || !have('apt-get')) {
    throw new Error(`missing: ${missing.join(' ')} (install them: apt-get install -y ${missing.join(' ')} fonts-dejavu-core)`);
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing, 'fonts-dejavu-core'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

// ---- ANSI (as tmux captures it) to styled cells ----

interface Style {
  fg?: string;
  bg?: string;
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}

const BASE16 = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5', '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];

function xterm256(n: number): string {
  if (n < 16) return BASE16[n];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
}

function applySgr(style: Style, params: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) Object.assign(s, { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false });
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 7) s.inverse = true;
    else if (p === 27) s.inverse = false;
    else if (p >= 30 && p <= 37) s.fg = BASE16[p - 30];
    else if (p >= 90 && p <= 97) s.fg = BASE16[p - 90 + 8];
    else if (p === 39) s.fg = undefined;
    else if (p >= 40 && p <= 47) s.bg = BASE16[p - 40];
    else if (p >= 100 && p <= 107) s.bg = BASE16[p - 100 + 8];
    else if (p === 49) s.bg = undefined;
    else if ((p === 38 || p === 48) && params[i + 1] === 5) {
      const c = xterm256(params[i + 2] ?? 0);
      if (p === 38) s.fg = c;
      else s.bg = c;
      i += 2;
    } else if ((p === 38 || p === 48) && params[i + 1] === 2) {
      const c = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`;
      if (p === 38) s.fg = c;
      else s.bg = c;
      i += 4;
    }
  }
  return s;
}

interface Run {
  col: number;
  text: string;
  style: Style;
}

export function parseCapture(text: string): Run[][] {
  const rows: Run[][] = [];
  let style: Style = { bold: false, dim: false, inverse: false };
  for (const line of text.split('\n').slice(0, ROWS)) {
    const runs: Run[] = [];
    let col = 0;
    let cur: Run | undefined;
    for (let i = 0; i < line.length; ) {
      const m = /^\x1b\[([0-9;]*)m/.exec(line.slice(i, i + 32));
      if (m) {
        style = applySgr(style, m[1] === '' ? [0] : m[1].split(';').map(Number));
        cur = undefined;
        i += m[0].length;
        continue;
      }
      const ch = String.fromCodePoint(line.codePointAt(i)!);
      i += ch.length;
      if (!cur) {
        cur = { col, text: '', style };
        runs.push(cur);
      }
      cur.text += ch;
      col++;
    }
    rows.push(runs);
  }
  return rows;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function toSvg(rows: Run[][], title: string): string {
  const width = Math.ceil(COLUMNS * CELL_W + PAD * 2);
  const height = ROWS * CELL_H + PAD * 2;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="${BG}"/>`,
    `<g font-family="DejaVu Sans Mono, monospace" font-size="${FONT_SIZE}">`,
  ];
  rows.forEach((runs, r) => {
    const y = PAD + r * CELL_H;
    for (const run of runs) {
      const x = PAD + run.col * CELL_W;
      const w = [...run.text].length * CELL_W;
      let fg = run.style.fg ?? FG;
      let bg = run.style.bg;
      if (run.style.inverse) [fg, bg] = [bg ?? BG, fg];
      if (bg) out.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${CELL_H}" fill="${bg}"/>`);
      if (!run.text.trim()) continue;
      const attrs = [`x="${x.toFixed(1)}"`, `y="${(y + FONT_SIZE * 0.928).toFixed(1)}"`, `fill="${fg}"`, `textLength="${w.toFixed(1)}"`, 'lengthAdjust="spacingAndGlyphs"'];
      if (run.style.bold) attrs.push('font-weight="bold"');
      if (run.style.dim) attrs.push('fill-opacity="0.6"');
      out.push(`<text ${attrs.join(' ')} xml:space="preserve">${esc(run.text)}</text>`);
    }
  });
  out.push('</g>', '</svg>');
  return out.join('\n');
}

interface Shot {
  name: string;
  title: string;
  keys: string[][];
  ready: (screen: string) => boolean;
}

const SHOTS: Shot[] = [
  { name: '1-incidents', title: 'Incident list (demo)', keys: [], ready: (s) => s.includes('!! ATTACK') && s.includes('✓ DEMO:incident.log 61 lines') },
  { name: '2-detail', title: 'Incident detail', keys: [['Enter']], ready: (s) => s.includes('Why: likely-attack') },
  { name: '3-profiles', title: 'Profiles', keys: [['Escape'], ['2']], ready: (s) => s.includes('[2 Profiles]') && s.includes('enforce') },
  { name: '4-timeline', title: 'Timeline', keys: [['3'], ['G']], ready: (s) => s.includes('[3 Timeline]') && s.includes('ACTION') },
  { name: '5-actions', title: 'Action log', keys: [['4']], ready: (s) => s.includes('[4 Actions]') && s.includes('$ aa-complain') },
  { name: '6-help', title: 'Help (generated from the keymap)', keys: [['?']], ready: (s) => s.includes('closes this help') },
  { name: '7-filter', title: 'Filter and pause', keys: [['Escape'], ['1'], ['/'], ['-l', 'report'], ['Enter'], ['Space']], ready: (s) => s.includes('filter: report') && s.includes('PAUSED') },
];

async function main(): Promise<void> {
  ensureTools();
  mkdirSync(OUT, { recursive: true });
  const t = new Tmux('shots');
  const tmp = join(OUT, '.svg');
  try {
    // Fixed clock zone so the images do not depend on where they are made.
    t.start(['node', 'bin/aa-triage', '--demo', '--no-bell', '--utc'], { columns: COLUMNS, rows: ROWS }, { TZ: 'UTC' });
    for (const shot of SHOTS) {
      for (const k of shot.keys) t.keys(...k);
      await t.waitFor(shot.ready, shot.name);
      await new Promise((r) => setTimeout(r, 300)); // let the throttled frame settle
      const svg = toSvg(parseCapture(t.screen(true)), shot.title);
      writeFileSync(tmp, svg);
      execFileSync('rsvg-convert', ['--background-color', BG, '-o', join(OUT, `${shot.name}.png`), tmp]);
      process.stdout.write(`${OUT}/${shot.name}.png\n`);
    }
    t.keys('C-c');
  } finally {
    t.kill();
    rmSync(tmp, { force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`screenshots: ${(err as Error).message}\n`);
  process.exit(1);
});
