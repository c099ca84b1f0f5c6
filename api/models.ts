import type { ModelStore } from '../activities/model-store';
import type { ModelOverview } from '../domain/models/registry';
import { TRAINERS } from '../domain/models/trainers';

export type { ModelOverview };

/** Every model the registry can retrain, with its active version, read from the model store. */
export function modelOverview(store: ModelStore): () => Promise<ModelOverview[]> {
  return () =>
    Promise.all(
      Object.entries(TRAINERS).map(async ([model, trainer]): Promise<ModelOverview> => {
        const pointer = await store.getActive(model).catch((err: { name?: string }) => {
          if (err.name === 'NoSuchBucket') return undefined;
          throw err;
        });
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
