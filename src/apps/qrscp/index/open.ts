// Opening the index --database-location names: a postgres:// URL or a SQLite file. Each backend
// is imported only when chosen, so its driver loads only then.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { isPostgresUrl } from "../config.js";
import type { InstanceIndex } from "./index.js";

/** Opens the index at `location`: PostgreSQL for a postgres:// or postgresql:// URL, else a SQLite file. */
export async function openIndex(location: string): Promise<InstanceIndex> {
  if (isPostgresUrl(location)) {
    const { openPostgresIndex } = await import("./postgres.js");
    return openPostgresIndex(location);
  }
  await mkdir(dirname(location), { recursive: true });
  const { openSqliteIndex } = await import("./sqlite.js");
  return openSqliteIndex(location);
}
