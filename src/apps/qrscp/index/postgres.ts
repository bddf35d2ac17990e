// The shared backend: one PostgreSQL database, so that several qrscp processes (behind a load
// balancer, writing to one storage folder) answer from one index.
import type { InstanceIndex } from "./index.js";
import { IndexError } from "./index.js";
import { type QueryFn, type Row, SCHEMA, type SqlDriver, SqlIndex } from "./sql-index.js";

/** The parts of pg's API used here. */
interface PgClient {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  release(): void;
}
interface PgPool {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: "error", listener: (e: Error) => void): unknown;
}
type PgModule = { Pool: new (options: { connectionString: string; max?: number }) => PgPool };

/** `?` placeholders as PostgreSQL's `$1`, `$2`… (our SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// A fixed key for pg_advisory_xact_lock: processes starting together create the schema one at a time.
const SCHEMA_LOCK = 0x6e6463;

/** Opens the PostgreSQL index at `url` (postgres://…), creating its table when missing. */
export async function openPostgresIndex(url: string): Promise<InstanceIndex> {
  let pg: PgModule;
  try {
    // pg has a CommonJS entry: require, like the SQLite driver, works from the library's ES
    // modules and from the command-line bundle alike (which runs without an import() loader).
    pg = process.getBuiltinModule("node:module").createRequire(import.meta.url)("pg") as PgModule;
  } catch (e) {
    throw new IndexError(`the PostgreSQL index needs the package pg: install it with "npm install pg"`, { cause: e });
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const query: QueryFn = async (sql, params = []) => (await pool.query(numbered(sql), params)).rows;
  const driver: SqlDriver = {
    kind: "postgres",
    query,
    async transaction<T>(body: (q: QueryFn) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const out = await body(async (sql, params = []) => (await client.query(numbered(sql), params)).rows);
        await client.query("COMMIT");
        return out;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  try {
    await driver.transaction(async (q) => {
      await q(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      for (const sql of SCHEMA) await q(sql);
    });
  } catch (e) {
    await pool.end().catch(() => {});
    throw new IndexError(`cannot open the PostgreSQL index: ${(e as Error).message}`, { cause: e });
  }
  return new SqlIndex(driver);
}
