// The table of every API operation and the SDK call that performs it, used by
// unit/operations.test.js (against the committed openapi.json) and live/ (the served /openapi.json).
// A new server operation fails those tests until it gets a method here and in src/resources.
import assert from 'node:assert/strict';
import { PronaFlow } from '@pronaflow/sdk';
import { stubFetch } from './helpers.js';

const ID = '11111111-2222-4333-8444-555555555555';
const B = {}; // a body: the shape does not matter to the routing check

/** `METHOD /path/{param}` -> the SDK call. */
export const OPERATIONS = {
  'GET /health': (c) => c.health(),
  // module 1
  'POST /api/v1/auth/register': (c) => c.auth.register(B),
  'POST /api/v1/auth/verify-email': (c) => c.auth.verifyEmail(B),
  'POST /api/v1/auth/resend-verification': (c) => c.auth.resendVerification(B),
  'POST /api/v1/auth/login': (c) => c.auth.login(B),
  'POST /api/v1/auth/mfa/verify': (c) => c.auth.verifyMfa(B),
  'POST /api/v1/auth/refresh': (c) => c.auth.refresh(B),
  'POST /api/v1/auth/logout': (c) => c.auth.logout(),
  'GET /api/v1/auth/me': (c) => c.auth.me(),
  'PATCH /api/v1/auth/me': (c) => c.auth.updateMe(B),
  'POST /api/v1/auth/password-change': (c) => c.auth.changePassword(B),
  'POST /api/v1/auth/password-reset': (c) => c.auth.requestPasswordReset(B),
  'POST /api/v1/auth/password-reset/confirm': (c) => c.auth.confirmPasswordReset(B),
  'POST /api/v1/auth/mfa/enable': (c) => c.auth.enableMfa(),
  'POST /api/v1/auth/mfa/confirm': (c) => c.auth.confirmMfa(B),
  'POST /api/v1/auth/mfa/disable': (c) => c.auth.disableMfa(B),
  'POST /api/v1/auth/mfa/backup-codes/regenerate': (c) => c.auth.regenerateBackupCodes(),
  'GET /api/v1/auth/sessions': (c) => c.auth.listSessions(),
  'POST /api/v1/auth/sessions/revoke': (c) => c.auth.revokeSession(B),
  'POST /api/v1/auth/sessions/revoke-all': (c) => c.auth.revokeAllSessions(),
  // module 2
  'GET /api/v1/workspaces': (c) => c.workspaces.list(),
  'POST /api/v1/workspaces': (c) => c.workspaces.create(B),
  'GET /api/v1/workspaces/{workspace_id}': (c) => c.workspaces.get(ID),
  'PATCH /api/v1/workspaces/{workspace_id}': (c) => c.workspaces.update(ID, B),
  'PUT /api/v1/workspaces/{workspace_id}': (c) => c.workspaces.replace(ID, B),
  'DELETE /api/v1/workspaces/{workspace_id}': (c) => c.workspaces.delete(ID),
  'GET /api/v1/workspaces/{workspace_id}/settings': (c) => c.workspaces.getSettings(ID),
  'PATCH /api/v1/workspaces/{workspace_id}/settings': (c) => c.workspaces.updateSettings(ID, B),
  'PUT /api/v1/workspaces/{workspace_id}/settings': (c) => c.workspaces.replaceSettings(ID, B),
  'GET /api/v1/workspaces/{workspace_id}/members': (c) => c.workspaces.listMembers(ID),
  'POST /api/v1/workspaces/{workspace_id}/members': (c) => c.workspaces.addMember(ID, B),
  'PATCH /api/v1/workspaces/{workspace_id}/members/{user_id}': (c) => c.workspaces.updateMember(ID, ID, B),
  'PUT /api/v1/workspaces/{workspace_id}/members/{user_id}': (c) => c.workspaces.replaceMember(ID, ID, B),
  'DELETE /api/v1/workspaces/{workspace_id}/members/{user_id}': (c) => c.workspaces.removeMember(ID, ID),
  'GET /api/v1/workspaces/{workspace_id}/invitations': (c) => c.workspaces.listInvitations(ID),
  'POST /api/v1/workspaces/{workspace_id}/invitations': (c) => c.workspaces.invite(ID, B),
  'DELETE /api/v1/workspaces/{workspace_id}/invitations/{invitation_id}': (c) => c.workspaces.cancelInvitation(ID, ID),
  'POST /api/v1/workspaces/invitations/accept': (c) => c.workspaces.acceptInvitation(B),
  'POST /api/v1/workspaces/{workspace_id}/ownership/transfer': (c) => c.workspaces.transferOwnership(ID, B),
  // module 3
  'GET /api/v1/projects': (c) => c.projects.list(),
  'POST /api/v1/projects': (c) => c.projects.create(B),
  'GET /api/v1/projects/{project_id}': (c) => c.projects.get(ID),
  'PATCH /api/v1/projects/{project_id}': (c) => c.projects.update(ID, B),
  'DELETE /api/v1/projects/{project_id}': (c) => c.projects.delete(ID),
  'PATCH /api/v1/projects/{project_id}/status': (c) => c.projects.setStatus(ID, B),
  'GET /api/v1/projects/{project_id}/members': (c) => c.projects.listMembers(ID),
  'POST /api/v1/projects/{project_id}/members': (c) => c.projects.addMember(ID, B),
  'PATCH /api/v1/projects/{project_id}/members/{user_id}': (c) => c.projects.updateMember(ID, ID, B),
  'DELETE /api/v1/projects/{project_id}/members/{user_id}': (c) => c.projects.removeMember(ID, ID),
  // module 4
  'GET /api/v1/tasks/lists': (c) => c.taskLists.list(),
  'POST /api/v1/tasks/lists': (c) => c.taskLists.create(B),
  'GET /api/v1/tasks/lists/{task_list_id}': (c) => c.taskLists.get(ID),
  'PATCH /api/v1/tasks/lists/{task_list_id}': (c) => c.taskLists.update(ID, B),
  'DELETE /api/v1/tasks/lists/{task_list_id}': (c) => c.taskLists.delete(ID),
  'GET /api/v1/tasks': (c) => c.tasks.list(),
  'POST /api/v1/tasks': (c) => c.tasks.create(B),
  'GET /api/v1/tasks/{task_id}': (c) => c.tasks.get(ID),
  'PATCH /api/v1/tasks/{task_id}': (c) => c.tasks.update(ID, B),
  'DELETE /api/v1/tasks/{task_id}': (c) => c.tasks.delete(ID),
  'PATCH /api/v1/tasks/{task_id}/status': (c) => c.tasks.setStatus(ID, B),
  'POST /api/v1/tasks/{task_id}/move': (c) => c.tasks.move(ID, B),
  'POST /api/v1/tasks/{task_id}/assignees': (c) => c.tasks.assign(ID, B),
  'DELETE /api/v1/tasks/{task_id}/assignees/{user_id}': (c) => c.tasks.unassign(ID, ID),
  'GET /api/v1/tasks/{task_id}/subtasks': (c) => c.tasks.listSubtasks(ID),
  'POST /api/v1/tasks/{task_id}/subtasks': (c) => c.tasks.createSubtask(ID, B),
  'PATCH /api/v1/tasks/subtasks/{subtask_id}': (c) => c.tasks.updateSubtask(ID, B),
  'DELETE /api/v1/tasks/subtasks/{subtask_id}': (c) => c.tasks.deleteSubtask(ID),
  'GET /api/v1/tasks/{task_id}/dependencies': (c) => c.tasks.listDependencies(ID),
  'POST /api/v1/tasks/{task_id}/dependencies': (c) => c.tasks.addDependency(ID, B),
  'DELETE /api/v1/tasks/dependencies/{dependency_id}': (c) => c.tasks.removeDependency(ID),
  // module 5
  'GET /api/v1/scheduling/projects/{project_id}/gantt': (c) => c.scheduling.gantt(ID),
  'GET /api/v1/scheduling/projects/{project_id}/critical-path': (c) => c.scheduling.criticalPath(ID),
  'GET /api/v1/scheduling/projects/{project_id}/plan': (c) => c.scheduling.getPlan(ID),
  'POST /api/v1/scheduling/projects/{project_id}/plan/submit': (c) => c.scheduling.submitPlan(ID),
  'POST /api/v1/scheduling/projects/{project_id}/plan/approve': (c) => c.scheduling.approvePlan(ID),
  'POST /api/v1/scheduling/projects/{project_id}/plan/lock': (c) => c.scheduling.lockPlan(ID),
  'POST /api/v1/scheduling/projects/{project_id}/plan/unlock': (c) => c.scheduling.unlockPlan(ID),
  'GET /api/v1/scheduling/projects/{project_id}/baselines': (c) => c.scheduling.baselines(ID),
  'POST /api/v1/scheduling/projects/{project_id}/baselines': (c) => c.scheduling.createBaseline(ID, B),
  'GET /api/v1/scheduling/milestones': (c) => c.scheduling.listMilestones(),
  'POST /api/v1/scheduling/milestones': (c) => c.scheduling.createMilestone(B),
  'GET /api/v1/scheduling/milestones/{milestone_id}': (c) => c.scheduling.getMilestone(ID),
  'PATCH /api/v1/scheduling/milestones/{milestone_id}': (c) => c.scheduling.updateMilestone(ID, B),
  'DELETE /api/v1/scheduling/milestones/{milestone_id}': (c) => c.scheduling.deleteMilestone(ID),
  // module 6
  'GET /api/v1/tasks/{task_id}/comments': (c) => c.comments.list(ID),
  'POST /api/v1/tasks/{task_id}/comments': (c) => c.comments.create(ID, B),
  'PATCH /api/v1/comments/{comment_id}': (c) => c.comments.update(ID, B),
  'DELETE /api/v1/comments/{comment_id}': (c) => c.comments.delete(ID),
  'GET /api/v1/mentions': (c) => c.mentions.list(),
  'PATCH /api/v1/mentions/{mention_id}/read': (c) => c.mentions.markRead(ID),
  'GET /api/v1/search': (c) => c.search.list({ q: 'x' }),
  // module 7
  'GET /api/v1/notifications': (c) => c.notifications.list(),
  'PATCH /api/v1/notifications/{notification_id}/read': (c) => c.notifications.markRead(ID),
  'POST /api/v1/notifications/mark-all-read': (c) => c.notifications.markAllRead(),
  'DELETE /api/v1/notifications/{notification_id}': (c) => c.notifications.delete(ID),
  'GET /api/v1/notifications/unread-count': (c) => c.notifications.unreadCount(),
  'GET /api/v1/notifications/preferences': (c) => c.notifications.getPreferences(),
  'PATCH /api/v1/notifications/preferences': (c) => c.notifications.updatePreferences(B),
  'GET /api/v1/notifications/stream': (c) => c.notifications.stream().next(),
  'GET /api/v1/events': (c) => c.events.list(),
  'GET /api/v1/event-types': (c) => c.events.listTypes(),
  'GET /api/v1/event-consumers': (c) => c.eventConsumers.list(),
  'POST /api/v1/event-consumers': (c) => c.eventConsumers.create(B),
  'GET /api/v1/event-consumers/{consumer_id}': (c) => c.eventConsumers.get(ID),
  'PATCH /api/v1/event-consumers/{consumer_id}': (c) => c.eventConsumers.update(ID, B),
  'DELETE /api/v1/event-consumers/{consumer_id}': (c) => c.eventConsumers.delete(ID),
  // module 8
  'POST /api/v1/archive/projects/{project_id}/archive': (c) => c.archive.archiveProject(ID, B),
  'POST /api/v1/archive/projects/{project_id}/unarchive': (c) => c.archive.unarchiveProject(ID, B),
  'GET /api/v1/archive/projects/{project_id}/history': (c) => c.archive.listHistory(ID),
  'GET /api/v1/archive/trash': (c) => c.trash.list(),
  'POST /api/v1/archive/trash': (c) => c.trash.create(B),
  'POST /api/v1/archive/trash/{trash_item_id}/restore': (c) => c.trash.restore(ID),
  'DELETE /api/v1/archive/trash/{trash_item_id}': (c) => c.trash.purge(ID),
  'GET /api/v1/audit-logs': (c) => c.auditLogs.list(),
  'GET /api/v1/audit-logs/verify': (c) => c.auditLogs.verify(),
  'GET /api/v1/audit-logs/verifications/{verification_id}': (c) => c.auditLogs.verification(ID),
  'GET /api/v1/compliance/export': (c) => c.compliance.export({ start_date: '2026-01-01', end_date: '2026-01-31' }),
  'GET /api/v1/compliance/exports/{export_id}': (c) => c.compliance.getExport(ID),
  'GET /api/v1/compliance/exports/{export_id}/download': (c) => c.compliance.downloadExport(ID),
  'GET /api/v1/compliance/my-data': (c) => c.compliance.myData(),
  'POST /api/v1/compliance/erasure': (c) => c.compliance.requestErasure(B),
  // module 9
  'GET /api/v1/preferences': (c) => c.preferences.get(),
  'PATCH /api/v1/preferences': (c) => c.preferences.update(B),
  'GET /api/v1/preferences/themes': (c) => c.preferences.listThemes(),
  'GET /api/v1/preferences/languages': (c) => c.preferences.listLanguages(),
  'GET /api/v1/preferences/accessibility/wcag-level': (c) => c.preferences.wcagLevel(),
  // module 11
  'GET /api/v1/analytics/projects/{project_id}/metrics': (c) => c.analytics.projectMetrics(ID),
  'GET /api/v1/analytics/projects/{project_id}/burndown': (c) => c.analytics.burndown(ID),
  'GET /api/v1/reports': (c) => c.reports.list(),
  'POST /api/v1/reports': (c) => c.reports.create(B),
  'GET /api/v1/reports/{report_id}': (c) => c.reports.get(ID),
  'PATCH /api/v1/reports/{report_id}': (c) => c.reports.update(ID, B),
  'DELETE /api/v1/reports/{report_id}': (c) => c.reports.delete(ID),
  'POST /api/v1/reports/{report_id}/execute': (c) => c.reports.execute(ID),
  'GET /api/v1/reports/{report_id}/executions': (c) => c.reports.executions(ID),
  'GET /api/v1/reports/{report_id}/results': (c) => c.reports.results(ID),
  'GET /api/v1/reports/{report_id}/export': (c) => c.reports.export(ID),
  // module 12
  'GET /api/v1/integration/tokens': (c) => c.tokens.list(),
  'POST /api/v1/integration/tokens': (c) => c.tokens.create(B),
  'GET /api/v1/integration/tokens/scopes': (c) => c.tokens.scopes(),
  'GET /api/v1/integration/tokens/{token_id}': (c) => c.tokens.get(ID),
  'PATCH /api/v1/integration/tokens/{token_id}': (c) => c.tokens.update(ID, B),
  'DELETE /api/v1/integration/tokens/{token_id}': (c) => c.tokens.revoke(ID),
  'GET /api/v1/integration/tokens/{token_id}/usage': (c) => c.tokens.usage(ID),
  'GET /api/v1/integration/webhooks': (c) => c.webhooks.list(),
  'POST /api/v1/integration/webhooks': (c) => c.webhooks.create({ url: 'https://x.test' }),
  'GET /api/v1/integration/webhooks/{webhook_id}': (c) => c.webhooks.get(ID),
  'PATCH /api/v1/integration/webhooks/{webhook_id}': (c) => c.webhooks.update(ID, B),
  'DELETE /api/v1/integration/webhooks/{webhook_id}': (c) => c.webhooks.delete(ID),
  'GET /api/v1/integration/webhooks/{webhook_id}/deliveries': (c) => c.webhooks.listDeliveries(ID),
  'GET /api/v1/integration/webhooks/{webhook_id}/deliveries/{delivery_id}': (c) => c.webhooks.getDelivery(ID, ID),
  'POST /api/v1/integration/webhooks/{webhook_id}/test': (c) => c.webhooks.test(ID),
  'POST /api/v1/integration/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver': (c) => c.webhooks.redeliver(ID, ID),
  'POST /api/v1/integration/webhooks/{webhook_id}/rotate-secret': (c) => c.webhooks.rotateSecret(ID),
  'GET /api/v1/integration/oauth/apps': (c) => c.oauth.listApps(),
  'GET /api/v1/integration/oauth/apps/{app_id}': (c) => c.oauth.getApp(ID),
  'GET /api/v1/integration/oauth/connections': (c) => c.oauth.listConnections(),
  'POST /api/v1/integration/oauth/connections': (c) => c.oauth.connect(B),
  'GET /api/v1/integration/oauth/connections/{connection_id}': (c) => c.oauth.getConnection(ID),
  'DELETE /api/v1/integration/oauth/connections/{connection_id}': (c) => c.oauth.disconnect(ID),
  'GET /api/v1/integration/plugins': (c) => c.plugins.list(),
  'GET /api/v1/integration/plugins/installed': (c) => c.plugins.listInstalled(),
  'GET /api/v1/integration/plugins/{plugin_id}': (c) => c.plugins.get(ID),
  'POST /api/v1/integration/plugins/{plugin_id}/install': (c) => c.plugins.install(ID, B),
  'PATCH /api/v1/integration/plugins/{installation_id}/config': (c) => c.plugins.updateConfig(ID, B),
  'DELETE /api/v1/integration/plugins/{plugin_id}': (c) => c.plugins.uninstall(ID),
  'GET /api/v1/integration/consents': (c) => c.consents.list(),
  'POST /api/v1/integration/consents': (c) => c.consents.grant(B),
  'GET /api/v1/integration/consents/status': (c) => c.consents.status(),
  'GET /api/v1/integration/consents/{consent_id}': (c) => c.consents.get(ID),
  'DELETE /api/v1/integration/consents/{consent_id}': (c) => c.consents.revoke(ID),
  'GET /api/v1/integration/status': (c) => c.integration.status(),
  'GET /api/v1/integration/health': (c) => c.integration.health(),
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `METHOD path` of every operation of an OpenAPI document. */
export function schemaOperations(schema) {
  return Object.entries(schema.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** Runs one table entry against a recording stub and returns the method and path it requested. */
export async function requestedBy(call) {
  const fetch = stubFetch(() =>
    new Response(JSON.stringify({ success: true, data: [], pagination: { page: 1, page_size: 0, total: 0, total_pages: 1 } }), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    }),
  );
  await call(new PronaFlow({ apiToken: 'prona_x', baseUrl: 'https://api.example.test', fetch }));
  assert.equal(fetch.calls.length, 1);
  return `${fetch.calls[0].method} ${decodeURIComponent(fetch.calls[0].url.pathname)}`;
}

export const expected = (key) => key.replace(/\{[^}]+\}/g, ID);

/** `METHOD path` with the parameter names left out: `{project_id}` and `{id}` route alike. */
export const shape = (op) => op.replace(/\{[^}]+\}/g, '{}');

/** The schema operations the table cannot call. */
export function uncovered(schema) {
  const known = new Set(Object.keys(OPERATIONS).map(shape));
  return schemaOperations(schema).filter((op) => !known.has(shape(op)));
}
