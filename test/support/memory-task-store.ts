import type { StoredTask, TaskStore } from '../../activities/task-store';

/** For tests of the API's checks (RBAC, fuzzing), which refuse requests before a store is touched. */
export function memoryTaskStore(): TaskStore {
  const tasks = new Map<string, StoredTask>();
  return {
    put: async (t) => void tasks.set(t.definition.name, t),
    get: async (name) => tasks.get(name),
    list: async () => [...tasks.values()],
  };
}
