import { smoothingFrom } from '../domain/scaling/smoothing-training';
import type { SmoothingBaseline } from '../domain/scaling/live-forecast';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { DetectorParams } from '../domain/anomaly/detector';
import { detectorParamsFrom } from '../domain/anomaly/tuning';
import {
  SHIPPED_VERSION,
  type ActivePointer,
  type ModelOverview,
  type ModelVersion,
} from '../domain/models/registry';
import { TRAINERS } from '../domain/models/trainers';

/**
 * The model registry in S3: `models/<name>/versions/<version>.json` (written once, never changed)
 * and `models/<name>/active.json`. The bucket is versioned, so even the pointer's history survives.
 */
export interface ModelStore {
  ensureBucket(): Promise<void>;
  putVersion(version: ModelVersion): Promise<ModelVersion>;
  getVersion(model: string, version: string): Promise<ModelVersion | undefined>;
  listVersions(model: string): Promise<string[]>;
  getActive(model: string): Promise<ActivePointer | undefined>;
  /** The pointer with its S3 ETag, for a write that must not overwrite a change made since. */
  readActive(model: string): Promise<PointerRead | undefined>;
  /**
   * Writes the pointer. With `replacing`, only over what was read then (its ETag; `'none'`: no
   * pointer yet), else `ActivePointerChanged`: two runs, or a run and a rollback, cannot both win.
   */
  setActive(pointer: ActivePointer, replacing?: PointerRead | 'none'): Promise<void>;
}

export interface PointerRead {
  pointer: ActivePointer;
  etag: string;
}

/** Someone else moved a model's active pointer between our read and our write. */
export class ActivePointerChanged extends Error {
  override readonly name = 'ActivePointerChanged';
}

/**
 * S3's answers to a conditional write that lost: 412 when the object changed (or appeared), 409 when
 * another conditional write to it was in flight.
 */
const LOST_CONDITIONAL_WRITE = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

const versionKey = (model: string, version: string) => `models/${model}/versions/${version}.json`;
const activeKey = (model: string) => `models/${model}/active.json`;

export function createModelStore(s3: S3Client, bucket: string): ModelStore {
  async function readJson<T>(key: string): Promise<{ value: T; etag: string } | undefined> {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return {
        value: JSON.parse((await out.Body?.transformToString()) ?? 'null') as T,
        etag: out.ETag ?? '',
      };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
  const getJson = async <T>(key: string): Promise<T | undefined> => (await readJson<T>(key))?.value;
  const putJson = (key: string, value: unknown, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
        ...condition,
      }),
    );

  return {
    async ensureBucket() {
      try {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
      }
      await s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    },
    async putVersion(version) {
      // Versions are immutable: a retried write returns what the first attempt stored.
      const existing = await getJson<ModelVersion>(versionKey(version.model, version.version));
      if (existing) return existing;
      await putJson(versionKey(version.model, version.version), version);
      return version;
    },
    getVersion: (model, version) => getJson<ModelVersion>(versionKey(model, version)),
    async listVersions(model) {
      const versions: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: `models/${model}/versions/`,
            ContinuationToken: token,
          }),
        );
        for (const o of page.Contents ?? [])
          if (o.Key) versions.push(o.Key.slice(`models/${model}/versions/`.length, -'.json'.length));
        token = page.NextContinuationToken;
      } while (token);
      return versions;
    },
    getActive: (model) => getJson<ActivePointer>(activeKey(model)),
    async readActive(model) {
      const read = await readJson<ActivePointer>(activeKey(model));
      return read && { pointer: read.value, etag: read.etag };
    },
    async setActive(pointer, replacing) {
      const condition =
        replacing === undefined
          ? {}
          : replacing === 'none'
            ? { IfNoneMatch: '*' }
            : { IfMatch: replacing.etag };
      try {
        await putJson(activeKey(pointer.model), pointer, condition);
      } catch (err) {
        if (LOST_CONDITIONAL_WRITE.has((err as { name?: string }).name ?? ''))
          throw new ActivePointerChanged(`the active version of ${pointer.model} changed meanwhile`);
        throw err;
      }
    },
  };
}

/** A model's active pointer; undefined when none was ever written (or the registry is not made yet). */
async function pointerOf(store: ModelStore, model: string): Promise<ActivePointer | undefined> {
  try {
    return await store.getActive(model);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchBucket') return undefined;
    throw err;
  }
}

/**
 * A model's active pointer and the version it names, or undefined when the shipped model decides:
 * none promoted, a rollback returned to it, or the registry is not made yet.
 */
export async function activeModel(
  store: ModelStore,
  model: string,
): Promise<{ pointer: ActivePointer; version: ModelVersion } | undefined> {
  const pointer = await pointerOf(store, model);
  if (!pointer || pointer.version === SHIPPED_VERSION) return undefined;
  const version = await store.getVersion(model, pointer.version);
  return version ? { pointer, version } : undefined;
}

/** Every model the registry can retrain, with its active version: the console's card, `medic model list`. */
export function modelOverview(store: ModelStore): () => Promise<ModelOverview[]> {
  return () =>
    Promise.all(
      Object.entries(TRAINERS).map(async ([model, trainer]): Promise<ModelOverview> => {
        const pointer = await pointerOf(store, model);
        if (pointer?.version === SHIPPED_VERSION)
          return {
            model,
            metric: trainer.metric,
            shipped: { since: pointer.changedAt, reason: pointer.reason },
          };
        const version = pointer ? await store.getVersion(model, pointer.version) : undefined;
        if (!pointer || !version) return { model, metric: trainer.metric };
        return {
          model,
          metric: trainer.metric,
          active: {
            version: version.version,
            since: pointer.changedAt,
            reason: pointer.reason,
            previous: pointer.history,
            metrics: version.metrics,
            training: version.training,
            ...(version.parentVersion ? { parentVersion: version.parentVersion } : {}),
            createdAt: version.createdAt,
          },
        };
      }),
    );
}

/** The active version of a model, or undefined when none is promoted (or the registry is not made yet). */
export async function activeVersion(store: ModelStore, model: string): Promise<ModelVersion | undefined> {
  return (await activeModel(store, model))?.version;
}

/** How long the detection loop trusts its last look at the registry's active detector. */
const ACTIVE_DETECTOR_TTL_MS = 60_000;

/**
 * The active detector version's parameters, read at most once a minute: the detection loop scans
 * every few seconds and a promotion may take a minute to reach it. A registry it cannot read does
 * not stop detection: the last version seen (or the shipped detector) keeps judging.
 */
export function activeDetectorOf(
  store: ModelStore,
  now: () => number = Date.now,
): () => Promise<{ params: DetectorParams; version: string } | undefined> {
  let cached: { at: number; value: { params: DetectorParams; version: string } | undefined } | undefined;
  return async () => {
    if (cached && now() - cached.at < ACTIVE_DETECTOR_TTL_MS) return cached.value;
    let active: ModelVersion | undefined;
    try {
      active = await activeVersion(store, 'detector');
    } catch (err) {
      console.warn(
        `model registry unreadable, detecting with the last detector seen: ${(err as Error).message}`,
      );
      return cached?.value;
    }
    const params = active ? detectorParamsFrom(active.parameters) : undefined;
    const value = active && params ? { params, version: active.version } : undefined;
    cached = { at: now(), value };
    return value;
  };
}

/**
 * The registry's active demand-forecast smoothing, the baseline a scaling agent's own fit must beat;
 * undefined when none is promoted. An unreadable registry is not a reason to stop scaling: the shipped
 * smoothing stands in, and the warning says why.
 */
export function activeDemandForecastOf(store: ModelStore): () => Promise<SmoothingBaseline | undefined> {
  return async () => {
    try {
      const active = await activeVersion(store, 'demand-forecast');
      const smoothing = active ? smoothingFrom(active.parameters) : undefined;
      return active && smoothing ? { smoothing, version: active.version } : undefined;
    } catch (err) {
      console.warn(
        `model registry unreadable, forecasting demand with the shipped smoothing: ${(err as Error).message}`,
      );
      return undefined;
    }
  };
}
