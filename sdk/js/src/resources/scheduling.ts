import type { RequestOptions, Body, Data, Item, Query, Page } from '../types.js';
import { Resource, seg } from './base.js';

const S = '/api/v1/scheduling';
type Gantt = '/api/v1/scheduling/projects/{project_id}/gantt';
type Critical = '/api/v1/scheduling/projects/{project_id}/critical-path';
type Plan = '/api/v1/scheduling/projects/{project_id}/plan';
type Baselines = '/api/v1/scheduling/projects/{project_id}/baselines';
const MS = '/api/v1/scheduling/milestones';
type MsId = '/api/v1/scheduling/milestones/{milestone_id}';
type PlanAction = 'submit' | 'approve' | 'lock' | 'unlock';

/**
 * Module 5: Gantt data, the critical path (CPM), the plan workflow (draft -> submitted -> approved ->
 * locked), baselines and milestones.
 */
export class Scheduling extends Resource {
  gantt(projectId: string, query?: Query<Gantt, 'get'>, options?: RequestOptions): Promise<Data<Gantt, 'get'>> {
    return this.http.data('GET', `${S}/projects/${seg(projectId)}/gantt`, { ...options, query });
  }
  criticalPath(projectId: string, options?: RequestOptions): Promise<Data<Critical, 'get'>> {
    return this.http.data('GET', `${S}/projects/${seg(projectId)}/critical-path`, options);
  }
  getPlan(projectId: string, options?: RequestOptions): Promise<Data<Plan, 'get'>> {
    return this.http.data('GET', `${S}/projects/${seg(projectId)}/plan`, options);
  }
  private planAction(projectId: string, action: PlanAction, body: unknown, options?: RequestOptions): Promise<any> {
    return this.http.data('POST', `${S}/projects/${seg(projectId)}/plan/${action}`, { ...options, body });
  }
  submitPlan(projectId: string, body?: Record<string, unknown>, options?: RequestOptions): Promise<Data<Plan, 'get'>> {
    return this.planAction(projectId, 'submit', body, options);
  }
  /** Workspace owner or admin. */
  approvePlan(projectId: string, body?: Record<string, unknown>, options?: RequestOptions): Promise<Data<Plan, 'get'>> {
    return this.planAction(projectId, 'approve', body, options);
  }
  /** Workspace owner or admin. */
  lockPlan(projectId: string, body?: Record<string, unknown>, options?: RequestOptions): Promise<Data<Plan, 'get'>> {
    return this.planAction(projectId, 'lock', body, options);
  }
  /** Workspace owner or admin. */
  unlockPlan(projectId: string, body?: Record<string, unknown>, options?: RequestOptions): Promise<Data<Plan, 'get'>> {
    return this.planAction(projectId, 'unlock', body, options);
  }
  /** Snapshots every task's dates of the project (a `name` for the snapshot). */
  createBaseline(projectId: string, body: Body<Baselines, 'post'>, options?: RequestOptions): Promise<Data<Baselines, 'post'>> {
    return this.http.data('POST', `${S}/projects/${seg(projectId)}/baselines`, { ...options, body });
  }
  /** The project's baselines and the schedule variance of each task against the latest one. */
  baselines(projectId: string, query?: Query<Baselines, 'get'>, options?: RequestOptions): Promise<Data<Baselines, 'get'>> {
    return this.http.data('GET', `${S}/projects/${seg(projectId)}/baselines`, { ...options, query });
  }

  listMilestones(query?: Query<typeof MS, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof MS>>> {
    return this.http.page(MS, query, options);
  }
  iterMilestones(query?: Query<typeof MS, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof MS>> {
    return this.http.pages(MS, query, options);
  }
  createMilestone(body: Body<typeof MS, 'post'>, options?: RequestOptions): Promise<Data<typeof MS, 'post'>> {
    return this.http.data('POST', MS, { ...options, body });
  }
  getMilestone(milestoneId: string, options?: RequestOptions): Promise<Data<MsId, 'get'>> {
    return this.http.data('GET', `${MS}/${seg(milestoneId)}`, options);
  }
  updateMilestone(milestoneId: string, body: Body<MsId, 'patch'>, options?: RequestOptions): Promise<Data<MsId, 'patch'>> {
    return this.http.data('PATCH', `${MS}/${seg(milestoneId)}`, { ...options, body });
  }
  deleteMilestone(milestoneId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${MS}/${seg(milestoneId)}`, options);
  }
}
