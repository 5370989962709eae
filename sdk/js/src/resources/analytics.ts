import type { RequestOptions, Body, Data, Item, Query, Page, FileDownload } from '../types.js';
import { Resource, seg } from './base.js';

type Metrics = '/api/v1/analytics/projects/{project_id}/metrics';
type Burndown = '/api/v1/analytics/projects/{project_id}/burndown';
const R = '/api/v1/reports';
type RId = '/api/v1/reports/{report_id}';
type RExecutions = '/api/v1/reports/{report_id}/executions';

/** Module 11: project analytics. */
export class Analytics extends Resource {
  projectMetrics(projectId: string, query?: Query<Metrics, 'get'>, options?: RequestOptions): Promise<Data<Metrics, 'get'>> {
    return this.http.data('GET', `/api/v1/analytics/projects/${seg(projectId)}/metrics`, { ...options, query });
  }
  burndown(projectId: string, query?: Query<Burndown, 'get'>, options?: RequestOptions): Promise<Data<Burndown, 'get'>> {
    return this.http.data('GET', `/api/v1/analytics/projects/${seg(projectId)}/burndown`, { ...options, query });
  }
}

/** Module 11: custom reports, their runs and exports. */
export class Reports extends Resource {
  list(query?: Query<typeof R, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof R>>> {
    return this.http.page(R, query, options);
  }
  iter(query?: Query<typeof R, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof R>> {
    return this.http.pages(R, query, options);
  }
  create(body: Body<typeof R, 'post'>, options?: RequestOptions): Promise<Data<typeof R, 'post'>> {
    return this.http.data('POST', R, { ...options, body });
  }
  get(reportId: string, options?: RequestOptions): Promise<Data<RId, 'get'>> {
    return this.http.data('GET', `${R}/${seg(reportId)}`, options);
  }
  update(reportId: string, body: Body<RId, 'patch'>, options?: RequestOptions): Promise<Data<RId, 'patch'>> {
    return this.http.data('PATCH', `${R}/${seg(reportId)}`, { ...options, body });
  }
  delete(reportId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${R}/${seg(reportId)}`, options);
  }
  execute(reportId: string, options?: RequestOptions): Promise<Data<'/api/v1/reports/{report_id}/execute', 'post'>> {
    return this.http.data('POST', `${R}/${seg(reportId)}/execute`, options);
  }
  /** Run history, newest first (paginated). */
  executions(reportId: string, query?: Query<RExecutions, 'get'>, options?: RequestOptions): Promise<Page<Item<RExecutions>>> {
    return this.http.page(`${R}/${seg(reportId)}/executions`, query, options);
  }
  results(reportId: string, query?: Query<'/api/v1/reports/{report_id}/results', 'get'>, options?: RequestOptions): Promise<Data<'/api/v1/reports/{report_id}/results', 'get'>> {
    return this.http.data('GET', `${R}/${seg(reportId)}/results`, { ...options, query });
  }
  /** CSV (default), Excel or PDF. */
  export(reportId: string, query?: Query<'/api/v1/reports/{report_id}/export', 'get'>, options?: RequestOptions): Promise<FileDownload> {
    return this.http.download(`${R}/${seg(reportId)}/export`, query, options);
  }
}
