// better-sqlite3's native addon: built from source against this Node (the prebuilt download is
// unreachable here, and `.npmrc` keeps dependency install scripts off), cached outside the repo
// by version and Node ABI so a fresh clone reuses it in a second. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = join(ROOT, 'node_modules', 'better-sqlite3');
const ADDON = join(PKG, 'build', 'Release', 'better_sqlite3.node');

function loads() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], { cwd: ROOT, stdio: 'ignore' });
  return probe.status === 0;
}

export function ensureSqlite({ log = console.log } = {}) {
  if (existsSync(ADDON) && loads()) return;
  const { version } = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'golden-time-hub');
  const cached = join(cacheDir, `better-sqlite3-${version}-node${process.versions.modules}-${process.platform}-${process.arch}.node`);
  if (existsSync(cached)) {
    mkdirSync(join(PKG, 'build', 'Release'), { recursive: true });
    copyFileSync(cached, ADDON);
    if (loads()) {
      log(`better-sqlite3 ${version}: reused the cached build`);
      return;
    }
  }
  log(`building better-sqlite3 ${version} from source (about a minute)…`);
  const build = spawnSync('npm', ['rebuild', 'better-sqlite3', '--ignore-scripts=false', '--foreground-scripts'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0 || !loads()) throw new Error('better-sqlite3 did not build; see the output above');
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(ADDON, cached);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureSqlite();
