import type { RequestOptions, Body, Data, Item, Query, Page, FileDownload } from '../types.js';
import { Resource, seg } from './base.js';

type AArchive = '/api/v1/archive/projects/{project_id}/archive';
type AUnarchive = '/api/v1/archive/projects/{project_id}/unarchive';
type AHistory = '/api/v1/archive/projects/{project_id}/history';
const TR = '/api/v1/archive/trash';
const AL = '/api/v1/audit-logs';
type CExport = '/api/v1/compliance/export';

/** Module 8: archiving projects (read-only until unarchived) and their archive history. */
export class Archive extends Resource {
  archiveProject(projectId: string, body: Body<AArchive, 'post'>, options?: RequestOptions): Promise<Data<AArchive, 'post'>> {
    return this.http.data('POST', `/api/v1/archive/projects/${seg(projectId)}/archive`, { ...options, body });
  }
  unarchiveProject(projectId: string, body: Body<AUnarchive, 'post'>, options?: RequestOptions): Promise<Data<AUnarchive, 'post'>> {
    return this.http.data('POST', `/api/v1/archive/projects/${seg(projectId)}/unarchive`, { ...options, body });
  }
  listHistory(projectId: string, query?: Query<AHistory, 'get'>, options?: RequestOptions): Promise<Page<Item<AHistory>>> {
    return this.http.page(`/api/v1/archive/projects/${seg(projectId)}/history`, query, options);
  }
  iterHistory(projectId: string, query?: Query<AHistory, 'get'>, options?: RequestOptions): AsyncGenerator<Item<AHistory>> {
    return this.http.pages(`/api/v1/archive/projects/${seg(projectId)}/history`, query, options);
  }
}

/** Module 8: the trash bin (restore within the retention period, or purge for good). */
export class Trash extends Resource {
  list(query?: Query<typeof TR, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof TR>>> {
    return this.http.page(TR, query, options);
  }
  iter(query?: Query<typeof TR, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof TR>> {
    return this.http.pages(TR, query, options);
  }
  /** Moves a resource (`resource_type`, `resource_id`) to the trash. */
  create(body: Body<typeof TR, 'post'>, options?: RequestOptions): Promise<Data<typeof TR, 'post'>> {
    return this.http.data('POST', TR, { ...options, body });
  }
  restore(trashItemId: string, options?: RequestOptions): Promise<Data<'/api/v1/archive/trash/{trash_item_id}/restore', 'post'>> {
    return this.http.data('POST', `${TR}/${seg(trashItemId)}/restore`, options);
  }
  /** Deletes the item for good. */
  purge(trashItemId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${TR}/${seg(trashItemId)}`, options);
  }
}

/** Module 8: the tamper-evident audit log. */
export class AuditLogs extends Resource {
  list(query?: Query<typeof AL, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof AL>>> {
    return this.http.page(AL, query, options);
  }
  iter(query?: Query<typeof AL, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof AL>> {
    return this.http.pages(AL, query, options);
  }
  /** Checks the hash chain: the report, or for a long chain a background verification job (202). */
  verify(options?: RequestOptions): Promise<Data<'/api/v1/audit-logs/verify', 'get'>> {
    return this.http.data('GET', `${AL}/verify`, options);
  }
  /** A background verification: status, checked_entries of total_entries, percent, verdict. */
  verification(
    verificationId: string,
    options?: RequestOptions,
  ): Promise<Data<'/api/v1/audit-logs/verifications/{verification_id}', 'get'>> {
    return this.http.data('GET', `${AL}/verifications/${seg(verificationId)}`, options);
  }
}

/** Module 8: compliance exports and the GDPR tools. */
export class Compliance extends Resource {
  /**
   * A compliance report for a date range. `format: 'json'` (the default) resolves to the envelope's
   * data (a large export answers with a job to poll with getExport()); `csv` and `pdf` resolve to a
   * FileDownload.
   */
  export(query: Query<CExport, 'get'> & { format?: 'json' }, options?: RequestOptions): Promise<any>;
  export(query: Query<CExport, 'get'> & { format: 'csv' | 'pdf' }, options?: RequestOptions): Promise<FileDownload | any>;
  async export(query: Query<CExport, 'get'>, options?: RequestOptions): Promise<any> {
    const format = (query as { format?: string }).format ?? 'json';
    if (format === 'json') return this.http.data('GET', '/api/v1/compliance/export', { ...options, query });
    const file = await this.http.download('/api/v1/compliance/export', query, options);
    // A background job is announced as JSON even when a file was asked for.
    if (file.contentType.startsWith('application/json')) {
      return JSON.parse(new TextDecoder().decode(file.data)).data;
    }
    return file;
  }
  /** The state of a background export job. */
  getExport(exportId: string, options?: RequestOptions): Promise<Data<'/api/v1/compliance/exports/{export_id}', 'get'>> {
    return this.http.data('GET', `/api/v1/compliance/exports/${seg(exportId)}`, options);
  }
  /** The finished file of a background export job. */
  downloadExport(exportId: string, options?: RequestOptions): Promise<FileDownload> {
    return this.http.download(`/api/v1/compliance/exports/${seg(exportId)}/download`, undefined, options);
  }
  /** Everything PronaFlow holds about the signed-in user (GDPR access request). */
  myData(options?: RequestOptions): Promise<Data<'/api/v1/compliance/my-data', 'get'>> {
    return this.http.data('GET', '/api/v1/compliance/my-data', options);
  }
  /** GDPR erasure of the signed-in user's personal data. */
  requestErasure(body: Body<'/api/v1/compliance/erasure', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/compliance/erasure', 'post'>> {
    return this.http.data('POST', '/api/v1/compliance/erasure', { ...options, body });
  }
}
