import type { RequestOptions, Body, Data, Item, Query, Page } from '../types.js';
import { Resource, seg } from './base.js';

const P = '/api/v1/projects';
type PId = '/api/v1/projects/{project_id}';
type PMembers = '/api/v1/projects/{project_id}/members';
type PMember = '/api/v1/projects/{project_id}/members/{user_id}';
type PStatus = '/api/v1/projects/{project_id}/status';

/** Module 3: projects and their members. */
export class Projects extends Resource {
  list(query?: Query<typeof P, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof P>>> {
    return this.http.page(P, query, options);
  }
  iter(query?: Query<typeof P, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof P>> {
    return this.http.pages(P, query, options);
  }
  create(body: Body<typeof P, 'post'>, options?: RequestOptions): Promise<Data<typeof P, 'post'>> {
    return this.http.data('POST', P, { ...options, body });
  }
  get(projectId: string, options?: RequestOptions): Promise<Data<PId, 'get'>> {
    return this.http.data('GET', `${P}/${seg(projectId)}`, options);
  }
  update(projectId: string, body: Body<PId, 'patch'>, options?: RequestOptions): Promise<Data<PId, 'patch'>> {
    return this.http.data('PATCH', `${P}/${seg(projectId)}`, { ...options, body });
  }
  /** Moves the project to the trash. */
  delete(projectId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${P}/${seg(projectId)}`, options);
  }
  /** Status transition (`archived` goes through client.archive.archiveProject). */
  setStatus(projectId: string, body: Body<PStatus, 'patch'>, options?: RequestOptions): Promise<Data<PStatus, 'patch'>> {
    return this.http.data('PATCH', `${P}/${seg(projectId)}/status`, { ...options, body });
  }
  listMembers(projectId: string, query?: Query<PMembers, 'get'>, options?: RequestOptions): Promise<Page<Item<PMembers>>> {
    return this.http.page(`${P}/${seg(projectId)}/members`, query, options);
  }
  iterMembers(projectId: string, query?: Query<PMembers, 'get'>, options?: RequestOptions): AsyncGenerator<Item<PMembers>> {
    return this.http.pages(`${P}/${seg(projectId)}/members`, query, options);
  }
  addMember(projectId: string, body: Body<PMembers, 'post'>, options?: RequestOptions): Promise<Data<PMembers, 'post'>> {
    return this.http.data('POST', `${P}/${seg(projectId)}/members`, { ...options, body });
  }
  updateMember(projectId: string, userId: string, body: Body<PMember, 'patch'>, options?: RequestOptions): Promise<Data<PMember, 'patch'>> {
    return this.http.data('PATCH', `${P}/${seg(projectId)}/members/${seg(userId)}`, { ...options, body });
  }
  removeMember(projectId: string, userId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${P}/${seg(projectId)}/members/${seg(userId)}`, options);
  }
}
