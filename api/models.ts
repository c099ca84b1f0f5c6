import { activeModel, type ModelStore } from '../activities/model-store';
import type { ModelOverview } from '../domain/models/registry';
import { TRAINERS } from '../domain/models/trainers';

export type { ModelOverview };

/** Every model the registry can retrain, with its active version, read from the model store. */
export function modelOverview(store: ModelStore): () => Promise<ModelOverview[]> {
  return () =>
    Promise.all(
      Object.entries(TRAINERS).map(async ([model, trainer]): Promise<ModelOverview> => {
        const active = await activeModel(store, model);
        if (!active) return { model, metric: trainer.metric };
        const { pointer, version } = active;
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
