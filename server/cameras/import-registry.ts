/**
 * Child process of `loadRegistry`: imports a registry source into hub.sqlite and exits, so the
 * import's peak memory is never the hub's. Arguments: the database file and the source (JSON).
 * Bad rows: prints `{what, errors, total}` on stdout and exits with EXIT_BAD_ROWS.
 */
import type { RegistrySource } from '../config.ts';
import { openDb } from '../db.ts';
import { EXIT_BAD_ROWS, importRegistry, RegistryImportError } from './load.ts';

const [dbFile, json] = process.argv.slice(2);
if (!dbFile || !json) {
  process.stderr.write('usage: import-registry.ts <hub.sqlite> <source JSON>\n');
  process.exit(2);
}
const db = openDb(dbFile);
try {
  importRegistry(db, JSON.parse(json) as Exclude<RegistrySource, { kind: 'none' }>);
} catch (error) {
  if (!(error instanceof RegistryImportError)) throw error;
  process.stdout.write(JSON.stringify({ what: error.what, errors: error.errors, total: error.total }));
  process.exitCode = EXIT_BAD_ROWS;
} finally {
  db.close();
}
