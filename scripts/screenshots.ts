// npm run screenshots: PNG images of each screen, rendered from the demo by the real program in a
// fixed-size terminal (tmux), captured with its colours (capture-pane -e), drawn as SVG text cells
// over a monospace font and converted to PNG with rsvg-convert. Installs tmux and librsvg2-bin with
// apt-get when they are missing and it runs as root; otherwise it says what to install.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tmux } from '../test/tui/tmux.js';
import { liveProgram } from '../test/support/live-program.js';

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
    for (let i = 0; i < line.length;) {
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
  { name: '1-denials', title: 'Denial list (demo)', keys: [], ready: (s) => s.includes('!! ATTACK') && s.includes('✓ DEMO:incident.log 61 lines') },
  { name: '2-detail', title: 'Denial group detail', keys: [['Enter']], ready: (s) => s.includes('Why: likely-attack') },
  { name: '3-profiles', title: 'Profiles', keys: [['Escape'], ['2']], ready: (s) => s.includes('[2 Profiles]') && s.includes('enforce') },
  { name: '4-timeline', title: 'Timeline', keys: [['3'], ['G']], ready: (s) => s.includes('[3 Timeline]') && s.includes('ACTION') },
  { name: '5-actions', title: 'Action log', keys: [['4']], ready: (s) => s.includes('[4 Actions]') && s.includes('$ aa-complain') },
  { name: '6-help', title: 'Help (generated from the keymap)', keys: [['?']], ready: (s) => s.includes('closes this help') },
  { name: '7-filter', title: 'Filter and pause', keys: [['Escape'], ['1'], ['/'], ['-l', 'report'], ['Enter'], ['Space']], ready: (s) => s.includes('filter: report') && s.includes('PAUSED') },
];

/** Shots of the apply dialog: live on a fake host (fake dmesg and AppArmor tools first on PATH, a copy of the demo's profiles), where the action keys work. */
const APPLY_SHOTS: Shot[] = [{ name: '8-apply', title: 'Apply the suggested rule (a)', keys: [['a']], ready: (s) => s.includes('Allow: add the suggested rule') }];

/** Shots of a collapsed flood: a replay of 4,000 one-pid /proc/NNNN/status denials beside the demo's nginx. */
const FLOOD_SHOTS: Shot[] = [
  { name: '9-flood', title: 'A flood collapsed into one row (Enter lists its members)', keys: [['Enter'], ['j']], ready: (s) => /\/proc\/\d+\/status/.test(s) && s.includes('member 1 of') },
];

/** The demo's GeoIP denials as kernel ring buffer lines of a host that booted a day ago, the last one now. */
function liveDemoHost(dir: string): { argv: string[]; env: Record<string, string> } {
  const profiles = join(dir, 'apparmor.d');
  const securityfs = join(dir, 'securityfs');
  cpSync('demo/apparmor.d', profiles, { recursive: true });
  cpSync('demo/securityfs', securityfs, { recursive: true });
  mkdirSync(join(profiles, 'disable'), { recursive: true });
  const denials = readFileSync('demo/incident.log', 'utf8')
    .split('\n')
    .filter((l) => l.includes('apparmor="DENIED"') && l.includes('GeoIP'));
  const boot = Date.now() - 86_400_000;
  const ring = denials.map((l, i) => {
    const ms = Date.now() - (denials.length - i) * 20_000;
    const body = l.slice(l.indexOf('audit: ')).replace(/audit\(\d+\.\d+:/, `audit(${(ms / 1000).toFixed(3)}:`);
    return `[${((ms - boot) / 1000).toFixed(6).padStart(13)}] ${body}`;
  });
  writeFileSync(join(dir, 'dmesg.txt'), `${ring.join('\n')}\n`);
  const live = liveProgram({ dir, securityfs, profiles, journal: join(dir, 'actions.jsonl') });
  return { argv: asHost('web-01', live.argv), env: { ...live.env, TZ: 'UTC' } };
}

/**
 * The dialog names the host it acts on: run as root, the program gets a UTS namespace of its own
 * named like the demo's host, so the image does not show the machine that made it. The name and
 * the program go to sh as arguments, never into its script.
 */
function asHost(name: string, argv: string[]): string[] {
  if (process.getuid?.() !== 0) {
    process.stderr.write("screenshots: not root, the apply image shows this machine's host name\n");
    return argv;
  }
  return ['unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', name, ...argv];
}

/** The demo's nginx lines and a flood of one-pid /proc/NNNN/status denials from a monitoring agent. */
function floodLog(dir: string): string {
  const lines = readFileSync('demo/incident.log', 'utf8')
    .split('\n')
    .filter((l) => l.includes('profile="/usr/sbin/nginx"'));
  for (let i = 0; i < 4000; i++) {
    const pid = 3000 + i;
    lines.push(
      `Nov 22 03:05:${String(10 + (i % 40)).padStart(2, '0')} web-01 kernel: audit: type=1400 audit(1795316710.${String(i % 1000).padStart(3, '0')}:${9000 + i}): apparmor="DENIED" operation="open" class="file" profile="/usr/bin/monitor" name="/proc/${pid}/status" pid=${pid} comm="monitor" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
    );
  }
  const log = join(dir, 'flood.log');
  writeFileSync(log, `${lines.join('\n')}\n`);
  return log;
}

async function shoot(t: Tmux, shots: Shot[], tmp: string): Promise<void> {
  for (const shot of shots) {
    for (const k of shot.keys) t.keys(...k);
    await t.waitFor(shot.ready, shot.name, 60_000);
    await new Promise((r) => setTimeout(r, 300)); // let the throttled frame settle
    const svg = toSvg(parseCapture(t.screen(true)), shot.title);
    writeFileSync(tmp, svg);
    execFileSync('rsvg-convert', ['--background-color', BG, '-o', join(OUT, `${shot.name}.png`), tmp]);
    process.stdout.write(`${OUT}/${shot.name}.png\n`);
  }
}

async function main(): Promise<void> {
  ensureTools();
  mkdirSync(OUT, { recursive: true });
  const tmp = join(OUT, '.svg');
  const dir = mkdtempSync(join(tmpdir(), 'aa-shots-'));
  const sessions: Tmux[] = [];
  // Fixed clock zone so the images do not depend on where they are made.
  const session = (name: string, argv: string[], env: Record<string, string> = { TZ: 'UTC' }) => {
    const t = new Tmux(name);
    sessions.push(t);
    t.start(argv, { columns: COLUMNS, rows: ROWS }, env);
    return t;
  };
  try {
    const demo = session('shots', ['node', 'bin/aa-triage', '--demo', '--no-bell', '--utc']);
    await shoot(demo, SHOTS, tmp);
    demo.keys('C-c');
    const liveDir = join(dir, 'live');
    mkdirSync(liveDir);
    const live = liveDemoHost(liveDir);
    const apply = session('apply', live.argv, live.env);
    await apply.waitFor((s) => /^>\+ RULE.*mmdb/m.test(s), 'the GeoIP denial selected', 60_000);
    await shoot(apply, APPLY_SHOTS, tmp);
    // from its own directory, so the source is named flood.log, not a path of the machine that made the image
    floodLog(dir);
    const flood = session('flood', ['sh', '-c', `cd '${dir}' && exec node '${resolve('bin/aa-triage')}' --input flood.log --no-bell --utc`]);
    await flood.waitFor((s) => s.includes('@{pid}/') && s.includes('4000'), 'the flood read', 60_000);
    // the collapsed row is selected (below the attacks) before Enter lists its members
    const selected = () =>
      flood
        .screen()
        .split('\n')
        .find((l) => l.startsWith('>')) ?? '';
    for (let i = 0; i < 40 && !selected().includes('@{pid}'); i++) {
      const before = selected();
      flood.keys('j');
      await flood.waitFor(() => selected() !== before, 'the selection moved');
    }
    await shoot(flood, FLOOD_SHOTS, tmp);
  } finally {
    sessions.forEach((t) => t.kill());
    rmSync(tmp, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`screenshots: ${(err as Error).message}\n`);
  process.exit(1);
});
