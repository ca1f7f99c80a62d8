#!/usr/bin/env node
// Builds, caches, verifies and installs mediasoup's C++ worker binary.
//
// Why: `.npmrc` has ignore-scripts=true, so `npm install` leaves mediasoup
// without `worker/out/Release/mediasoup-worker`. mediasoup's own install
// script could not make one here anyway: it downloads a prebuilt worker from
// GitHub, then pip packages, then meson subprojects from GitHub/wrapdb, and
// this machine reaches only the npm registry and Debian apt. So the worker is
// built with Debian's meson + ninja against Debian's libraries:
//
//   - the worker sources are copied out of node_modules into a cache-side
//     build tree (node_modules is never modified except for the final binary);
//   - every meson wrap mediasoup would download gets a small stand-in
//     subproject from scripts/setup/mediasoup/subprojects/<wrap name>/, put
//     into the directory named by the wrap's `directory =` (meson uses an
//     existing directory instead of downloading). They forward to Debian's
//     pkg-config dependencies; libsrtp3 comes with a libsrtp-3-over-libsrtp2
//     compatibility header and unordered-dense with a std-container shim;
//   - meson.build's `meson_version` is relaxed for Debian's meson 1.0.1;
//   - before the long build, the compat header's self-test
//     (scripts/setup/mediasoup/compat-test/) is compiled and run against the
//     installed libsrtp2;
//   - release build as mediasoup's tasks.py does it (buildtype release,
//     b_ndebug=true), flatbuffers-generator first, then mediasoup-worker.
//
// The result is cached outside the repository, keyed by mediasoup version and
// platform/architecture, e.g.
//   ~/.cache/golden-time-hub/mediasoup-worker-3.27.1-linux-x64       (binary)
//   ~/.cache/golden-time-hub/mediasoup-worker-3.27.1-linux-x64.json  (metadata)
// (plus <key>.build.log with the compiler output) and verified before every
// reuse the way mediasoup verifies its prebuilt binaries: run it with an empty environment, expect exit code 41 ("missing
// MEDIASOUP_VERSION"), which proves it loads and runs on this host. The
// metadata records a fingerprint of the build inputs (mediasoup version,
// platform, RECIPE_VERSION and the stand-in/compat files); a mismatch or a
// failed verification triggers a rebuild.
//
// Plain Node ESM, no npm dependencies: it runs before anything else.
//   node scripts/setup/mediasoup-worker.mjs            # ensure (fast if in place)
//   node scripts/setup/mediasoup-worker.mjs --rebuild  # ignore the cache

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureAptPackages } from './apt.mjs';

// Bump when the build recipe in this file changes in a way that changes the
// binary (meson options, patches), so cached binaries get rebuilt.
const RECIPE_VERSION = 2;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const STUBS_DIR = path.join(HERE, 'mediasoup');

// Build-time Debian packages (the runtime libraries come with them).
const APT_PACKAGES = [
  'g++',
  'pkg-config',
  'meson',
  'ninja-build',
  'libuv1-dev',
  'libssl-dev',
  'libsrtp2-dev',
  'libabsl-dev',
  'libflatbuffers-dev',
  'flatbuffers-compiler',
];

// Wraps that a Linux release build never configures (tests / Windows only).
const UNUSED_WRAPS = new Set(['catch2', 'wingetopt']);

// mediasoup's worker exits with this code when MEDIASOUP_VERSION is missing.
const WORKER_CHECK_EXIT_CODE = 41;

/**
 * Makes sure node_modules/mediasoup has a working worker binary.
 *
 * @param {{ log?: (msg: string) => void, rebuild?: boolean }} [options]
 * @returns {Promise<{ path: string, source: 'installed' | 'cache' | 'build' }>}
 */
export async function ensureMediasoupWorker({ log = (msg) => console.log(msg), rebuild = false } = {}) {
  const ms = locateMediasoup();
  const key = `mediasoup-worker-${ms.version}-${process.platform}-${process.arch}`;
  const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'golden-time-hub');
  const cachedBin = path.join(cacheDir, key);
  const metaFile = `${cachedBin}.json`;
  const fingerprint = inputsFingerprint(ms.version);

  if (process.env.MEDIASOUP_WORKER_BIN) {
    log(`note: MEDIASOUP_WORKER_BIN=${process.env.MEDIASOUP_WORKER_BIN} is set; mediasoup will use that binary, not ${ms.installedBin}`);
  }

  if (!rebuild) {
    const cached = checkCache(cachedBin, metaFile, fingerprint, log);

    if (cached) {
      if (isSameContent(ms.installedBin, cached.sha256) && verifyWorker(ms.installedBin)) {
        log(`mediasoup-worker ${ms.version} in place and verified (${path.relative(REPO_ROOT, ms.installedBin)})`);
        return { path: ms.installedBin, source: 'installed' };
      }

      installBinary(cachedBin, ms.installedBin, log);
      return { path: ms.installedBin, source: 'cache' };
    }
  }

  fs.mkdirSync(cacheDir, { recursive: true });
  const release = await acquireLock(path.join(cacheDir, `${key}.lock`), log);

  try {
    // Another process may have built it while this one waited for the lock.
    if (!rebuild) {
      const cached = checkCache(cachedBin, metaFile, fingerprint, () => {});

      if (cached) {
        log('another setup run built the worker meanwhile; using its result');
        installBinary(cachedBin, ms.installedBin, log);
        return { path: ms.installedBin, source: 'cache' };
      }
    }

    ensureAptPackages(APT_PACKAGES, { log });

    const started = Date.now();
    const workDir = path.join(cacheDir, `build-${key}`);
    const builtBin = await buildWorker(ms, workDir, log);

    if (!verifyWorker(builtBin)) {
      throw new Error(`freshly built ${builtBin} failed verification (expected exit code ${WORKER_CHECK_EXIT_CODE} with an empty environment); build tree kept in ${workDir}`);
    }

    const tmp = `${cachedBin}.tmp-${process.pid}`;
    fs.copyFileSync(builtBin, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, cachedBin);

    const seconds = Math.round((Date.now() - started) / 1000);
    const meta = {
      mediasoupVersion: ms.version,
      platform: process.platform,
      arch: process.arch,
      fingerprint,
      sha256: sha256File(cachedBin),
      builtAt: new Date().toISOString(),
      buildSeconds: seconds,
    };
    fs.writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
    // Keep the build log (compiler warnings) next to the binary; drop the tree.
    fs.copyFileSync(path.join(workDir, 'build.log'), `${cachedBin}.build.log`);
    fs.rmSync(workDir, { recursive: true, force: true });
    log(`built and cached ${cachedBin} in ${seconds} s`);

    installBinary(cachedBin, ms.installedBin, log);
    return { path: ms.installedBin, source: 'build' };
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------

function locateMediasoup() {
  // Same resolution mediasoup's getDefaultWorkerBin() uses:
  // require.resolve('mediasoup') is <dir>/node/lib/index.js.
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  let entry;

  try {
    entry = require.resolve('mediasoup');
  } catch {
    throw new Error('mediasoup is not installed (run npm install first)');
  }

  const dir = path.resolve(path.dirname(entry), '..', '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));

  return {
    dir,
    version,
    workerDir: path.join(dir, 'worker'),
    installedBin: path.join(dir, 'worker', 'out', 'Release', 'mediasoup-worker'),
  };
}

function inputsFingerprint(version) {
  const hash = createHash('sha256');
  hash.update(`recipe:${RECIPE_VERSION}\nmediasoup:${version}\n${process.platform}-${process.arch}\n`);

  for (const file of listFiles(STUBS_DIR)) {
    hash.update(`${path.relative(STUBS_DIR, file)}\n`);
    hash.update(fs.readFileSync(file));
  }

  return hash.digest('hex');
}

function listFiles(dir) {
  const out = [];

  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);

    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }

  return out;
}

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function isSameContent(file, sha256) {
  try {
    return fs.statSync(file).isFile() && sha256File(file) === sha256;
  } catch {
    return false;
  }
}

/** Returns the cache metadata when the cached binary is usable, else null. */
function checkCache(cachedBin, metaFile, fingerprint, log) {
  if (!fs.existsSync(cachedBin)) {
    log(`no cached worker at ${cachedBin}`);
    return null;
  }

  let meta;

  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  } catch {
    log(`cached worker has no readable ${path.basename(metaFile)}; rebuilding`);
    return null;
  }

  if (meta.fingerprint !== fingerprint) {
    log('cached worker was built from other inputs (mediasoup version, recipe or stand-in sources changed); rebuilding');
    return null;
  }

  if (!isSameContent(cachedBin, meta.sha256)) {
    log('cached worker binary does not match its recorded checksum; rebuilding');
    return null;
  }

  if (!verifyWorker(cachedBin)) {
    log(`cached worker failed verification (no exit code ${WORKER_CHECK_EXIT_CODE} with an empty environment; missing runtime libraries?); rebuilding`);
    return null;
  }

  return meta;
}

/** mediasoup's own check: with no MEDIASOUP_VERSION the worker exits with 41. */
function verifyWorker(bin) {
  if (!fs.existsSync(bin)) return false;

  const result = spawnSync(bin, [], { env: {}, stdio: 'ignore', timeout: 15_000 });

  return result.status === WORKER_CHECK_EXIT_CODE;
}

function installBinary(from, to, log) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  // Copy next to the target and rename over it: atomic, and works while a
  // worker process is still running the old file.
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);

  if (!verifyWorker(to)) {
    throw new Error(`installed ${to} failed verification`);
  }

  log(`installed mediasoup-worker into ${path.relative(REPO_ROOT, to)} (from ${from})`);
}

// ---------------------------------------------------------------------------
// Cleanup on SIGINT/SIGTERM while a build runs: stop the build's process
// groups and drop the lock, then let the signal take its default course.

const cleanups = new Set();

function onFatalSignal(signal) {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort.
    }
  }

  cleanups.clear();
  process.off('SIGINT', onFatalSignal);
  process.off('SIGTERM', onFatalSignal);

  // Re-raise unless the host program handles the signal itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function addCleanup(fn) {
  if (cleanups.size === 0) {
    process.on('SIGINT', onFatalSignal);
    process.on('SIGTERM', onFatalSignal);
  }

  cleanups.add(fn);

  return () => {
    cleanups.delete(fn);

    if (cleanups.size === 0) {
      process.off('SIGINT', onFatalSignal);
      process.off('SIGTERM', onFatalSignal);
    }
  };
}

async function acquireLock(lockDir, log) {
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;

  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      const remove = () => fs.rmSync(lockDir, { recursive: true, force: true });
      const forget = addCleanup(remove);

      return () => {
        forget();
        remove();
      };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }

    let owner = NaN;

    try {
      owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      // Lock directory just created, pid not written yet: wait below.
    }

    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
      log(`removing stale build lock of process ${owner}`);
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }

    if (Date.now() > deadline) throw new Error(`timed out waiting for build lock ${lockDir}`);

    if (!announced) {
      log(`another process (${owner}) is building the worker; waiting for it`);
      announced = true;
    }

    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------

async function buildWorker(ms, workDir, log) {
  log(`building mediasoup-worker ${ms.version} from source (takes a few minutes; build tree ${workDir})`);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });

  const srcDir = path.join(workDir, 'worker');
  const buildDir = path.join(workDir, 'build');
  const logFile = path.join(workDir, 'build.log');

  // 1. Private copy of the worker sources (no stale build output).
  fs.cpSync(ms.workerDir, srcDir, {
    recursive: true,
    filter: (src) => path.relative(ms.workerDir, src) !== 'out',
  });

  // 2. Debian bookworm's meson is 1.0.1; mediasoup asks for a newer one but
  //    builds with it.
  const mesonBuild = path.join(srcDir, 'meson.build');
  const original = fs.readFileSync(mesonBuild, 'utf8');
  const relaxed = original.replace(/meson_version\s*:\s*'[^']*'/, "meson_version: '>= 1.0.0'");

  if (relaxed === original) log('note: no meson_version requirement found in meson.build (nothing relaxed)');
  fs.writeFileSync(mesonBuild, relaxed);

  // 2b. DtlsTransport's BIO callback answers every "after" phase other than a
  //     plain BIO_CB_RETURN with 1. Against mediasoup's own OpenSSL (built
  //     without kTLS) that never matters, but Debian's OpenSSL has kTLS, so
  //     BIO_get_ktls_send(wbio) is a BIO_ctrl() whose answer the callback turns
  //     into 1: OpenSSL then believes the kernel sends records, allocates no
  //     write buffer, and the worker dies (SIGSEGV in SSL_read) at the first
  //     DTLS ClientHello. Return the real result for every BIO_CB_RETURN phase.
  const dtlsFile = path.join(srcDir, 'src', 'RTC', 'DtlsTransport.cpp');
  const dtls = fs.readFileSync(dtlsFile, 'utf8');
  const dtlsPatched = dtls.replace(
    '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1',
    '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1'
  );
  if (dtlsPatched === dtls) throw new Error('DtlsTransport.cpp: BIO callback not found; the kTLS fix needs updating for this mediasoup version');
  fs.writeFileSync(dtlsFile, dtlsPatched);

  // 3. Stand-in subprojects in the directories the wraps name.
  const subprojectsDir = path.join(srcDir, 'subprojects');

  for (const wrapFile of fs.readdirSync(subprojectsDir).filter((f) => f.endsWith('.wrap')).sort()) {
    const name = wrapFile.slice(0, -'.wrap'.length);

    if (UNUSED_WRAPS.has(name)) continue;

    const directory = /^\s*directory\s*=\s*(.+?)\s*$/m.exec(fs.readFileSync(path.join(subprojectsDir, wrapFile), 'utf8'))?.[1] ?? name;
    const stub = path.join(STUBS_DIR, 'subprojects', name);

    if (!fs.existsSync(path.join(stub, 'meson.build'))) {
      throw new Error(`mediasoup ${ms.version} has a wrap "${wrapFile}" without a stand-in in ${path.relative(REPO_ROOT, STUBS_DIR)}/subprojects/${name}/; add one`);
    }

    const target = path.join(subprojectsDir, directory);
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(stub, target, { recursive: true });
    fs.copyFileSync(path.join(STUBS_DIR, 'empty.c'), path.join(target, 'empty.c'));
    log(`subproject ${name}: stand-in in subprojects/${directory}`);
  }

  // 4. Self-test of the libsrtp-3 compatibility header against this libsrtp2
  //    (seconds; fails early instead of after the long build).
  const selfTest = path.join(workDir, 'srtp3_compat_test');
  log('compiling and running the libsrtp3-over-libsrtp2 compat self-test');
  await run(
    'g++',
    [
      '-std=c++20', '-O2', '-Wall', '-Wextra',
      '-I', path.join(STUBS_DIR, 'subprojects', 'libsrtp3', 'include'),
      path.join(STUBS_DIR, 'compat-test', 'srtp3_compat_test.cpp'),
      '-lsrtp2', '-o', selfTest,
    ],
    { log, prefix: 'g++: ', logFile }
  );
  await run(selfTest, [], { log, logFile });

  // 5. Configure (release, as mediasoup's tasks.py) and build. `meson
  //    compile` maps target names to ninja outputs (the generator is a
  //    custom target in fbs/FBS whose outputs are the headers).
  await run(
    'meson',
    ['setup', '--buildtype', 'release', '-Db_ndebug=true', '--wrap-mode=nodownload', buildDir],
    {
      cwd: srcDir,
      log,
      logFile,
      prefix: 'meson: ',
      show: (line) => /found: |ERROR/.test(line),
    }
  );

  const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));

  for (const target of ['flatbuffers-generator', 'mediasoup-worker']) {
    log(`meson compile -j ${jobs} ${target}`);
    await run('meson', ['compile', '-C', buildDir, '-j', jobs, target], {
      cwd: srcDir,
      env: { ...process.env, NINJA_STATUS: '[%f/%t] ' },
      log,
      logFile,
      progress: target,
    });
  }

  return path.join(buildDir, 'mediasoup-worker');
}

/**
 * Runs a command, streaming selected output lines to log. Rejects with the
 * output's tail when it fails.
 */
function run(cmd, args, { cwd, env, log, prefix = '', show = () => true, progress, logFile } = {}) {
  return new Promise((resolve, reject) => {
    // Own process group, so that a signal can stop the whole tree (meson →
    // ninja → compilers), see addCleanup().
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const forget = addCleanup(() => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    });
    const tail = [];
    const started = Date.now();
    let lastPercent = -1;
    let lastLogAt = 0;

    const onLine = (line) => {
      if (logFile) fs.appendFileSync(logFile, `${line}\n`);
      tail.push(line);
      if (tail.length > 60) tail.shift();

      if (progress) {
        const m = /^\[(\d+)\/(\d+)\]\s*(.*)$/.exec(line);

        if (m) {
          const done = Number(m[1]);
          const total = Number(m[2]);
          const percent = Math.floor((done * 100) / total);
          const now = Date.now();

          // A line every 5 % or 20 s, plus the last one.
          if (done === total || percent >= lastPercent + 5 || now - lastLogAt > 20_000) {
            lastPercent = percent;
            lastLogAt = now;
            const elapsed = Math.round((now - started) / 1000);
            log(`${progress}: [${done}/${total}] ${percent}% ${elapsed}s ${m[3].slice(0, 100)}`);
          }
        }

        return;
      }

      if (show(line)) log(`${prefix}${line}`);
    };

    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);

    child.on('error', (error) => {
      forget();
      reject(new Error(`${cmd}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      forget();

      if (code === 0) {
        resolve();
        return;
      }

      reject(
        new Error(
          `${cmd} ${args.join(' ')} failed (${signal ?? `exit code ${code}`})${cwd ? ` in ${cwd}` : ''}; last output:\n${tail.join('\n')}`
        )
      );
    });
  });
}

// ---------------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();

  ensureMediasoupWorker({
    log: (msg) => console.log(`[mediasoup-worker] ${msg}`),
    rebuild: process.argv.includes('--rebuild'),
  }).then(
    ({ source }) => {
      console.log(`[mediasoup-worker] done (${source}) in ${((Date.now() - started) / 1000).toFixed(2)} s`);
    },
    (error) => {
      console.error(`[mediasoup-worker] FAILED: ${error.message}`);
      process.exitCode = 1;
    }
  );
}
