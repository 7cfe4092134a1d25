/**
 * The importer's last step: bringing the search index file under DATA_DIR (the one a lone server
 * opens) up to date, so a server started after the import serves searches at once instead of
 * indexing everything first. A running server holds that file and follows the import on the change
 * stream itself: then nothing is done.
 */
import { createLogger } from '../../src/log.ts';
import type { RedisClient } from '../../src/redis/connect.ts';
import type { Keys } from '../../src/redis/keys.ts';
import { createProjection, type Projection } from '../../src/search/projection.ts';
import { isBusy } from '../../src/search/sqlite.ts';

/** Updates the index file; answers the line the import reports about it. */
export async function updateSearchIndex(redis: RedisClient, keys: Keys, dataDir: string): Promise<string> {
  let projection: Projection;
  try {
    projection = createProjection(redis, undefined, keys, createLogger('warn'), dataDir, 1);
  } catch (error) {
    if (isBusy(error)) return 'search index: held by a running server, which indexes the import itself';
    throw error;
  }
  try {
    process.stdout.write('updating the search index...\n');
    const r = await projection.check();
    return `search index: ${r.books} listings, ${r.indexed} indexed now in ${(r.ms / 1000).toFixed(1)} s`;
  } finally {
    projection.stop();
  }
}
