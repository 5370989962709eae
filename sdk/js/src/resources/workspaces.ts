import type { RequestOptions, Body, Data, Item, Query, Page } from '../types.js';
import { Resource, seg } from './base.js';

const W = '/api/v1/workspaces';
type WId = '/api/v1/workspaces/{workspace_id}';
type WSettings = '/api/v1/workspaces/{workspace_id}/settings';
type WMembers = '/api/v1/workspaces/{workspace_id}/members';
type WMember = '/api/v1/workspaces/{workspace_id}/members/{user_id}';
type WInvitations = '/api/v1/workspaces/{workspace_id}/invitations';

/** Module 2: workspaces (the tenant), their settings, members, invitations and ownership. */
export class Workspaces extends Resource {
  list(query?: Query<typeof W, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof W>>> {
    return this.http.page(W, query, options);
  }
  iter(query?: Query<typeof W, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof W>> {
    return this.http.pages(W, query, options);
  }
  create(body: Body<typeof W, 'post'>, options?: RequestOptions): Promise<Data<typeof W, 'post'>> {
    return this.http.data('POST', W, { ...options, body });
  }
  get(workspaceId: string, options?: RequestOptions): Promise<Data<WId, 'get'>> {
    return this.http.data('GET', `${W}/${seg(workspaceId)}`, options);
  }
  update(workspaceId: string, body: Body<WId, 'patch'>, options?: RequestOptions): Promise<Data<WId, 'patch'>> {
    return this.http.data('PATCH', `${W}/${seg(workspaceId)}`, { ...options, body });
  }
  /** PUT: the same fields as update(), sent as a full replacement. */
  replace(workspaceId: string, body: Body<WId, 'put'>, options?: RequestOptions): Promise<Data<WId, 'put'>> {
    return this.http.data('PUT', `${W}/${seg(workspaceId)}`, { ...options, body });
  }
  /** Moves the workspace to the trash (owner only). */
  delete(workspaceId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${W}/${seg(workspaceId)}`, options);
  }

  getSettings(workspaceId: string, options?: RequestOptions): Promise<Data<WSettings, 'get'>> {
    return this.http.data('GET', `${W}/${seg(workspaceId)}/settings`, options);
  }
  updateSettings(workspaceId: string, body: Body<WSettings, 'patch'>, options?: RequestOptions): Promise<Data<WSettings, 'patch'>> {
    return this.http.data('PATCH', `${W}/${seg(workspaceId)}/settings`, { ...options, body });
  }
  replaceSettings(workspaceId: string, body: Body<WSettings, 'put'>, options?: RequestOptions): Promise<Data<WSettings, 'put'>> {
    return this.http.data('PUT', `${W}/${seg(workspaceId)}/settings`, { ...options, body });
  }

  listMembers(workspaceId: string, query?: Query<WMembers, 'get'>, options?: RequestOptions): Promise<Page<Item<WMembers>>> {
    return this.http.page(`${W}/${seg(workspaceId)}/members`, query, options);
  }
  iterMembers(workspaceId: string, query?: Query<WMembers, 'get'>, options?: RequestOptions): AsyncGenerator<Item<WMembers>> {
    return this.http.pages(`${W}/${seg(workspaceId)}/members`, query, options);
  }
  /** Adds an existing user by `user_id` or `email` (owner, admin). */
  addMember(workspaceId: string, body: Body<WMembers, 'post'>, options?: RequestOptions): Promise<Data<WMembers, 'post'>> {
    return this.http.data('POST', `${W}/${seg(workspaceId)}/members`, { ...options, body });
  }
  updateMember(workspaceId: string, userId: string, body: Body<WMember, 'patch'>, options?: RequestOptions): Promise<Data<WMember, 'patch'>> {
    return this.http.data('PATCH', `${W}/${seg(workspaceId)}/members/${seg(userId)}`, { ...options, body });
  }
  replaceMember(workspaceId: string, userId: string, body: Body<WMember, 'put'>, options?: RequestOptions): Promise<Data<WMember, 'put'>> {
    return this.http.data('PUT', `${W}/${seg(workspaceId)}/members/${seg(userId)}`, { ...options, body });
  }
  removeMember(workspaceId: string, userId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${W}/${seg(workspaceId)}/members/${seg(userId)}`, options);
  }

  listInvitations(workspaceId: string, query?: Query<WInvitations, 'get'>, options?: RequestOptions): Promise<Page<Item<WInvitations>>> {
    return this.http.page(`${W}/${seg(workspaceId)}/invitations`, query, options);
  }
  iterInvitations(workspaceId: string, query?: Query<WInvitations, 'get'>, options?: RequestOptions): AsyncGenerator<Item<WInvitations>> {
    return this.http.pages(`${W}/${seg(workspaceId)}/invitations`, query, options);
  }
  invite(workspaceId: string, body: Body<WInvitations, 'post'>, options?: RequestOptions): Promise<Data<WInvitations, 'post'>> {
    return this.http.data('POST', `${W}/${seg(workspaceId)}/invitations`, { ...options, body });
  }
  cancelInvitation(workspaceId: string, invitationId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${W}/${seg(workspaceId)}/invitations/${seg(invitationId)}`, options);
  }
  /** Accepts an invitation with the token from its e-mail, as the signed-in user. */
  acceptInvitation(
    body: Body<'/api/v1/workspaces/invitations/accept', 'post'>,
    options?: RequestOptions,
  ): Promise<Data<'/api/v1/workspaces/invitations/accept', 'post'>> {
    return this.http.data('POST', `${W}/invitations/accept`, { ...options, body });
  }
  transferOwnership(
    workspaceId: string,
    body: Body<'/api/v1/workspaces/{workspace_id}/ownership/transfer', 'post'>,
    options?: RequestOptions,
  ): Promise<Data<'/api/v1/workspaces/{workspace_id}/ownership/transfer', 'post'>> {
    return this.http.data('POST', `${W}/${seg(workspaceId)}/ownership/transfer`, { ...options, body });
  }
}
