import type { RequestOptions, Body, Data, Item, Query, Page } from '../types.js';
import { Resource, seg } from './base.js';

const T = '/api/v1/tasks';
type TId = '/api/v1/tasks/{task_id}';
type TStatus = '/api/v1/tasks/{task_id}/status';
type TMove = '/api/v1/tasks/{task_id}/move';
type TAssignees = '/api/v1/tasks/{task_id}/assignees';
type TSubtasks = '/api/v1/tasks/{task_id}/subtasks';
type Subtask = '/api/v1/tasks/subtasks/{subtask_id}';
type TDeps = '/api/v1/tasks/{task_id}/dependencies';
const L = '/api/v1/tasks/lists';
type LId = '/api/v1/tasks/lists/{task_list_id}';

/** Module 4: tasks, with assignees, subtasks and dependencies. */
export class Tasks extends Resource {
  list(query?: Query<typeof T, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof T>>> {
    return this.http.page(T, query, options);
  }
  iter(query?: Query<typeof T, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof T>> {
    return this.http.pages(T, query, options);
  }
  create(body: Body<typeof T, 'post'>, options?: RequestOptions): Promise<Data<typeof T, 'post'>> {
    return this.http.data('POST', T, { ...options, body });
  }
  get(taskId: string, options?: RequestOptions): Promise<Data<TId, 'get'>> {
    return this.http.data('GET', `${T}/${seg(taskId)}`, options);
  }
  update(taskId: string, body: Body<TId, 'patch'>, options?: RequestOptions): Promise<Data<TId, 'patch'>> {
    return this.http.data('PATCH', `${T}/${seg(taskId)}`, { ...options, body });
  }
  /** Moves the task to the trash. */
  delete(taskId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${T}/${seg(taskId)}`, options);
  }
  setStatus(taskId: string, body: Body<TStatus, 'patch'>, options?: RequestOptions): Promise<Data<TStatus, 'patch'>> {
    return this.http.data('PATCH', `${T}/${seg(taskId)}/status`, { ...options, body });
  }
  /** To another list (or project of the same workspace) and position. */
  move(taskId: string, body: Body<TMove, 'post'>, options?: RequestOptions): Promise<Data<TMove, 'post'>> {
    return this.http.data('POST', `${T}/${seg(taskId)}/move`, { ...options, body });
  }
  assign(taskId: string, body: Body<TAssignees, 'post'>, options?: RequestOptions): Promise<Data<TAssignees, 'post'>> {
    return this.http.data('POST', `${T}/${seg(taskId)}/assignees`, { ...options, body });
  }
  unassign(taskId: string, userId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${T}/${seg(taskId)}/assignees/${seg(userId)}`, options);
  }

  listSubtasks(taskId: string, query?: Query<TSubtasks, 'get'>, options?: RequestOptions): Promise<Page<Item<TSubtasks>>> {
    return this.http.page(`${T}/${seg(taskId)}/subtasks`, query, options);
  }
  iterSubtasks(taskId: string, query?: Query<TSubtasks, 'get'>, options?: RequestOptions): AsyncGenerator<Item<TSubtasks>> {
    return this.http.pages(`${T}/${seg(taskId)}/subtasks`, query, options);
  }
  createSubtask(taskId: string, body: Body<TSubtasks, 'post'>, options?: RequestOptions): Promise<Data<TSubtasks, 'post'>> {
    return this.http.data('POST', `${T}/${seg(taskId)}/subtasks`, { ...options, body });
  }
  updateSubtask(subtaskId: string, body: Body<Subtask, 'patch'>, options?: RequestOptions): Promise<Data<Subtask, 'patch'>> {
    return this.http.data('PATCH', `${T}/subtasks/${seg(subtaskId)}`, { ...options, body });
  }
  deleteSubtask(subtaskId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${T}/subtasks/${seg(subtaskId)}`, options);
  }

  listDependencies(taskId: string, query?: Query<TDeps, 'get'>, options?: RequestOptions): Promise<Page<Item<TDeps>>> {
    return this.http.page(`${T}/${seg(taskId)}/dependencies`, query, options);
  }
  iterDependencies(taskId: string, query?: Query<TDeps, 'get'>, options?: RequestOptions): AsyncGenerator<Item<TDeps>> {
    return this.http.pages(`${T}/${seg(taskId)}/dependencies`, query, options);
  }
  /** `depends_on_task_id` and `type` (FS, SS, FF, SF); a cycle answers 409 CONFLICT. */
  addDependency(taskId: string, body: Body<TDeps, 'post'>, options?: RequestOptions): Promise<Data<TDeps, 'post'>> {
    return this.http.data('POST', `${T}/${seg(taskId)}/dependencies`, { ...options, body });
  }
  removeDependency(dependencyId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${T}/dependencies/${seg(dependencyId)}`, options);
  }
}

/** Module 4: the task lists of a project. */
export class TaskLists extends Resource {
  /** Usually filtered by `project_id`. */
  list(query?: Query<typeof L, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof L>>> {
    return this.http.page(L, query, options);
  }
  iter(query?: Query<typeof L, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof L>> {
    return this.http.pages(L, query, options);
  }
  create(body: Body<typeof L, 'post'>, options?: RequestOptions): Promise<Data<typeof L, 'post'>> {
    return this.http.data('POST', L, { ...options, body });
  }
  get(taskListId: string, options?: RequestOptions): Promise<Data<LId, 'get'>> {
    return this.http.data('GET', `${L}/${seg(taskListId)}`, options);
  }
  update(taskListId: string, body: Body<LId, 'patch'>, options?: RequestOptions): Promise<Data<LId, 'patch'>> {
    return this.http.data('PATCH', `${L}/${seg(taskListId)}`, { ...options, body });
  }
  /** Refused while the list holds tasks unless `{ force: true }`. */
  delete(taskListId: string, query?: Query<LId, 'delete'>, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${L}/${seg(taskListId)}`, { ...options, query });
  }
}
