// The embedded backend: one SQLite file through better-sqlite3 (an optional dependency, loaded
// only when qrscp opens a SQLite index), in WAL mode so readers never wait for the writer.
import type { InstanceIndex } from "./index.js";
import { IndexError } from "./index.js";
import { type QueryFn, type Row, SCHEMA, type SqlDriver, SqlIndex } from "./sql-index.js";

/** The parts of better-sqlite3's API used here. */
interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
  close(): void;
}
/** better-sqlite3's Database constructor. */
export type SqliteConstructor = new (path: string, options?: { timeout?: number }) => SqliteDatabase;

/**
 * Loads the SQLite driver package (`better-sqlite3`; another name only in tests), or throws an
 * {@link IndexError} naming the missing package and how to get it.
 */
export function loadSqliteDriver(name = "better-sqlite3"): SqliteConstructor {
  try {
    // A native addon with a CommonJS entry: require keeps it out of every other app's load.
    return process.getBuiltinModule("node:module").createRequire(import.meta.url)(name) as SqliteConstructor;
  } catch (e) {
    throw new IndexError(
      `the SQLite index needs the package ${name} (an optional dependency that builds from source): ` +
        `install it with "npm install ${name}", or give --database-location a postgres:// URL ` +
        `(${(e as Error).message.split("\n")[0]})`,
      { cause: e },
    );
  }
}

/**
 * The page cache of the connection, in KiB. better-sqlite3 builds SQLite with 16 MiB
 * (SQLITE_DEFAULT_CACHE_SIZE=-16000), which loading a few thousand instances fills and keeps for
 * the life of the process; the index's pages stay in the OS page cache anyway, and SQLite's own
 * default of 2 MiB cost no measurable CPU in loading 10,000 instances or in C-FIND (see the commit).
 */
const CACHE_KIB = 2000;

/** Opens (creating if needed) the SQLite index at `path`. */
export function openSqliteIndex(path: string): InstanceIndex {
  const Database = loadSqliteDriver();
  let db: SqliteDatabase;
  try {
    // busy timeout: another process holding the write lock is waited for, not an error.
    db = new Database(path, { timeout: 10_000 });
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma(`cache_size = ${-CACHE_KIB}`);
    for (const sql of SCHEMA) db.exec(sql);
  } catch (e) {
    throw new IndexError(`cannot open the SQLite index ${path}: ${(e as Error).message}`, { cause: e });
  }
  const statements = new Map<string, SqliteStatement>();
  const query: QueryFn = async (sql, params = []) => {
    let st = statements.get(sql);
    if (st === undefined) {
      st = db.prepare(sql);
      if (statements.size < 200) statements.set(sql, st);
    }
    if (st.reader) return st.all(...params) as Row[];
    st.run(...params);
    return [];
  };
  // better-sqlite3 is synchronous, but a transaction's body awaits between statements, so
  // transactions are queued: one at a time on this connection.
  let tail: Promise<unknown> = Promise.resolve();
  const driver: SqlDriver = {
    kind: "sqlite",
    query,
    transaction<T>(body: (q: QueryFn) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const out = await body(query);
          db.exec("COMMIT");
          return out;
        } catch (e) {
          db.exec("ROLLBACK");
          throw e;
        }
      };
      const result = tail.then(run, run);
      tail = result.catch(() => {});
      return result;
    },
    async close() {
      await tail;
      db.close();
    },
  };
  return new SqlIndex(driver);
}
