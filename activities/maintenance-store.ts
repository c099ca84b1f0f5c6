import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAINTENANCE_PREFIX, maintenanceKey, type MaintenanceWindow } from '../domain/maintenance-window';
import { noBucketYet, readJsonObjects, writeJsonObject } from './s3-json';

/** Maintenance windows, kept beside the models in S3, so the API writes them and the worker reads them. */
export interface MaintenanceStore {
  put(window: MaintenanceWindow): Promise<void>;
  /** Windows not over at `now`: the active ones and those still to come, soonest end first. */
  current(now: Date): Promise<MaintenanceWindow[]>;
  /** Ends a window now; the ended window, or undefined when none by that id is current. */
  end(id: string, by: string, now: Date): Promise<MaintenanceWindow | undefined>;
}

export function createMaintenanceStore(
  s3: S3Client,
  bucket: string,
  ensureBucket: () => Promise<void>,
): MaintenanceStore {
  async function current(now: Date): Promise<MaintenanceWindow[]> {
    const iso = now.toISOString();
    // Keys start with the window's end: those after now are the windows not over.
    const windows = await readJsonObjects<MaintenanceWindow>(
      s3,
      bucket,
      MAINTENANCE_PREFIX,
      `${MAINTENANCE_PREFIX}${iso}`,
    ).catch((err: unknown) => noBucketYet<MaintenanceWindow>(err));
    // A window ending at this very instant sorts after the start key, and is over.
    return windows.filter((w) => w.endsAt > iso);
  }
  return {
    async put(window) {
      await ensureBucket();
      await writeJsonObject(s3, bucket, maintenanceKey(window), window);
    },
    current,
    async end(id, by, now) {
      const window = (await current(now)).find((w) => w.id === id);
      if (!window) return undefined;
      // Kept, ended: the record of who paused healing, and when it came back.
      const ended: MaintenanceWindow = {
        ...window,
        endsAt: now.toISOString(),
        ...(Date.parse(window.startsAt) > now.getTime() ? { startsAt: now.toISOString() } : {}),
        endedBy: by,
      };
      await writeJsonObject(s3, bucket, maintenanceKey(ended), ended);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: maintenanceKey(window) }));
      return ended;
    },
  };
}

/**
 * The API asks for every alert whether its instance is under a window; a storm of alerts must not
 * be a storm of S3 listings. The windows are read at most once per `ttlMs`, and this process's own
 * writes (the routes, chat) are seen at once.
 */
export function cachedMaintenanceStore(
  store: MaintenanceStore,
  ttlMs = 5_000,
  clock: () => number = Date.now,
): MaintenanceStore {
  let cached: { readAt: number; windows: Promise<MaintenanceWindow[]> } | undefined;
  return {
    async put(window) {
      await store.put(window);
      cached = undefined;
    },
    async current(now) {
      if (!cached || clock() - cached.readAt >= ttlMs) {
        const windows = store.current(now);
        cached = { readAt: clock(), windows };
        // A failed read is not kept: the next alert asks again.
        windows.catch(() => {
          if (cached?.windows === windows) cached = undefined;
        });
      }
      const iso = now.toISOString();
      return (await cached.windows).filter((w) => w.endsAt > iso);
    },
    async end(id, by, now) {
      const ended = await store.end(id, by, now);
      cached = undefined;
      return ended;
    },
  };
}
