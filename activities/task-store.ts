import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { TaskDefinition } from '../domain/tasks/definition';

/** A custom task as stored: the validated definition and the text it came from. */
export interface StoredTask {
  definition: TaskDefinition;
  source: string;
  updatedAt: string;
  updatedBy: string;
}

export interface TaskStore {
  /** Replaces the task of the same name (the bucket's versioning keeps the old one). */
  put(task: StoredTask): Promise<void>;
  get(name: string): Promise<StoredTask | undefined>;
  list(): Promise<StoredTask[]>;
}

/** Custom tasks under `tasks/<name>.json` in the model bucket, shared by every API replica. */
export function createTaskStore(s3: S3Client, bucket: string, ensureBucket: () => Promise<void>): TaskStore {
  const key = (name: string) => `tasks/${name}.json`;
  const read = async (k: string) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
    return JSON.parse((await out.Body?.transformToString()) ?? '{}') as StoredTask;
  };
  return {
    async put(task) {
      await ensureBucket();
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key(task.definition.name),
          Body: JSON.stringify(task),
          ContentType: 'application/json',
        }),
      );
    },
    async get(name) {
      await ensureBucket();
      try {
        return await read(key(name));
      } catch (err) {
        if (err instanceof NoSuchKey) return undefined;
        throw err;
      }
    },
    async list() {
      await ensureBucket();
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: 'tasks/', ContinuationToken: token }),
        );
        keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
        token = page.NextContinuationToken;
      } while (token);
      return Promise.all(keys.map(read));
    },
  };
}
