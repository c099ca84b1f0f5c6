import type { S3Client } from '@aws-sdk/client-s3';
import { readJsonObjectIfAny, readJsonObjects, writeJsonObject } from './s3-json';
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
  return {
    async put(task) {
      await ensureBucket();
      await writeJsonObject(s3, bucket, key(task.definition.name), task);
    },
    async get(name) {
      await ensureBucket();
      return readJsonObjectIfAny<StoredTask>(s3, bucket, key(name));
    },
    async list() {
      await ensureBucket();
      return readJsonObjects<StoredTask>(s3, bucket, 'tasks/');
    },
  };
}
