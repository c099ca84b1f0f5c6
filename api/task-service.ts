import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { StoredTask, TaskStore } from '../activities/task-store';
import { TASK_QUEUES } from '../domain/config';
import type { Decision } from '../domain/incident';
import { checkRunParameters, parseTaskDefinition, TaskDefinitionError } from '../domain/tasks/definition';
import { taskRunWorkflowId } from '../domain/ids';
import { taskRunStateQuery, type TaskRunState } from '../workflows/custom-task';
import {
  decisionUpdate,
  INVALID_DECISION,
  NOT_AWAITING_DECISION,
  type DecisionAck,
} from '../workflows/messages';
import { ApiError } from './errors';

/** Custom tasks: definitions in the task store, runs as `customTaskWorkflow` executions. */
export class TaskService {
  constructor(
    private readonly temporal: Client,
    private readonly store: TaskStore,
  ) {}

  /** Validates and stores; a bad file is a 400 listing each problem with its line and field. */
  async define(source: string, by: string): Promise<StoredTask> {
    let definition;
    try {
      definition = parseTaskDefinition(source);
    } catch (err) {
      if (err instanceof TaskDefinitionError)
        throw new ApiError('bad_request', 'The task definition is not valid', err.problems);
      throw err;
    }
    const task = { definition, source, updatedAt: new Date().toISOString(), updatedBy: by };
    await this.store.put(task);
    return task;
  }

  list(): Promise<StoredTask[]> {
    return this.store.list();
  }

  async get(name: string): Promise<StoredTask> {
    const task = await this.store.get(name);
    if (!task) throw new ApiError('not_found', `No task ${name}`);
    return task;
  }

  /**
   * Starts a run. The same idempotency key returns the same run instead of starting another, so a
   * retried request runs the task once.
   */
  async run(
    name: string,
    params: Record<string, string>,
    by: string,
    idempotencyKey: string = randomUUID(),
  ): Promise<{ id: string }> {
    const task = await this.get(name);
    const problems = checkRunParameters(task.definition, params);
    if (problems.length) throw new ApiError('bad_request', 'The run parameters are not valid', problems);
    const workflowId = taskRunWorkflowId(name, idempotencyKey);
    const handle = await this.temporal.workflow.start('customTaskWorkflow', {
      taskQueue: TASK_QUEUES.healing,
      workflowId,
      args: [{ definition: task.definition, params, requestedBy: by }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return { id: handle.workflowId };
  }

  async state(id: string): Promise<TaskRunState> {
    try {
      const handle = this.temporal.workflow.getHandle(id);
      const info = await handle.describe();
      if (info.type !== 'customTaskWorkflow') throw new ApiError('not_found', `No task run ${id}`);
      return await handle.query(taskRunStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new ApiError('not_found', `No task run ${id}`);
      throw err;
    }
  }

  async decide(id: string, decision: Decision): Promise<DecisionAck> {
    await this.state(id);
    try {
      return await this.temporal.workflow.getHandle(id).executeUpdate(decisionUpdate, { args: [decision] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        if (err.cause.type === NOT_AWAITING_DECISION) throw new ApiError('conflict', err.cause.message);
        if (err.cause.type === INVALID_DECISION) throw new ApiError('bad_request', err.cause.message);
      }
      if (err instanceof WorkflowNotFoundError) throw new ApiError('conflict', `Task run ${id} has finished`);
      throw err;
    }
  }
}
