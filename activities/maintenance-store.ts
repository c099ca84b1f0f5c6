import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { MAINTENANCE_PREFIX, maintenanceKey, type MaintenanceWindow } from '../domain/maintenance-window';
import { noBucketYet, readJsonObject, writeJsonObject } from './s3-json';

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
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: MAINTENANCE_PREFIX,
            // Keys start with the window's end: those after now are the windows not over.
            StartAfter: `${MAINTENANCE_PREFIX}${now.toISOString()}`,
            ContinuationToken: token,
          }),
        );
        keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
        token = page.NextContinuationToken;
      } while (token);
    } catch (err) {
      return noBucketYet<MaintenanceWindow>(err);
    }
    return Promise.all(keys.map((key) => readJsonObject<MaintenanceWindow>(s3, bucket, key)));
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
