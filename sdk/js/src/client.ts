import { Transport, type TransportOptions, type QueryParams, type RateLimitInfo } from './http.js';
import { PronaFlowError, WebhookVerificationError } from './errors.js';
import { verify, sign } from './verify.js';
import type { Data, RequestOptions } from './types.js';
import { Auth } from './resources/auth.js';
import { Workspaces } from './resources/workspaces.js';
import { Projects } from './resources/projects.js';
import { Tasks, TaskLists } from './resources/tasks.js';
import { Comments, Mentions, Search } from './resources/collaboration.js';
import { Notifications, Events, EventConsumers } from './resources/notifications.js';
import { Archive, Trash, AuditLogs, Compliance } from './resources/archive.js';
import { Preferences } from './resources/preferences.js';
import { Analytics, Reports } from './resources/analytics.js';
import { Scheduling } from './resources/scheduling.js';
import { IntegrationTokens, Webhooks, OAuth, Plugins, Consents, Integration } from './resources/integrations.js';

export type PronaFlowOptions = TransportOptions;

export interface LoginOptions extends Omit<TransportOptions, 'apiToken' | 'accessToken' | 'refreshToken'> {
  email?: string;
  username?: string;
  password: string;
  /** With MFA on: the 6-digit code of the authenticator app... */
  totpCode?: string;
  /** ...or one of the backup codes. */
  backupCode?: string;
}

/**
 * The PronaFlow API client.
 *
 *   const client = new PronaFlow({ apiToken: 'prona_...', baseUrl: 'https://api.pronaflow.com' });
 *   const client = await PronaFlow.login({ email, password, baseUrl });
 */
export class PronaFlow {
  /** The class itself, so `const { PronaFlow } = require('@pronaflow/sdk')` works as well. */
  static readonly PronaFlow: typeof PronaFlow;
  static readonly PronaFlowError: typeof PronaFlowError = PronaFlowError;
  static readonly WebhookVerificationError: typeof WebhookVerificationError = WebhookVerificationError;
  static readonly verify: typeof verify = verify;
  static readonly sign: typeof sign = sign;

  /** The transport (base URL, credentials, retries); `request()` for anything not wrapped. */
  readonly http: Transport;
  readonly auth: Auth;
  readonly workspaces: Workspaces;
  readonly projects: Projects;
  readonly tasks: Tasks;
  readonly taskLists: TaskLists;
  readonly comments: Comments;
  readonly mentions: Mentions;
  readonly search: Search;
  readonly notifications: Notifications;
  readonly events: Events;
  readonly eventConsumers: EventConsumers;
  readonly archive: Archive;
  readonly trash: Trash;
  readonly auditLogs: AuditLogs;
  readonly compliance: Compliance;
  readonly preferences: Preferences;
  readonly analytics: Analytics;
  readonly reports: Reports;
  readonly scheduling: Scheduling;
  readonly tokens: IntegrationTokens;
  readonly webhooks: Webhooks;
  readonly oauth: OAuth;
  readonly plugins: Plugins;
  readonly consents: Consents;
  readonly integration: Integration;

  constructor(options: PronaFlowOptions = {}) {
    const http = new Transport(options);
    this.http = http;
    this.auth = new Auth(http);
    this.workspaces = new Workspaces(http);
    this.projects = new Projects(http);
    this.tasks = new Tasks(http);
    this.taskLists = new TaskLists(http);
    this.comments = new Comments(http);
    this.mentions = new Mentions(http);
    this.search = new Search(http);
    this.notifications = new Notifications(http);
    this.events = new Events(http);
    this.eventConsumers = new EventConsumers(http);
    this.archive = new Archive(http);
    this.trash = new Trash(http);
    this.auditLogs = new AuditLogs(http);
    this.compliance = new Compliance(http);
    this.preferences = new Preferences(http);
    this.analytics = new Analytics(http);
    this.reports = new Reports(http);
    this.scheduling = new Scheduling(http);
    this.tokens = new IntegrationTokens(http);
    this.webhooks = new Webhooks(http);
    this.oauth = new OAuth(http);
    this.plugins = new Plugins(http);
    this.consents = new Consents(http);
    this.integration = new Integration(http);
  }

  /**
   * Signs in with e-mail (or username) and password and returns a client holding the JWT pair; the
   * access token is refreshed by itself when it expires. With MFA on, pass `totpCode` (or
   * `backupCode`), else a PronaFlowError with code MFA_REQUIRED is thrown (its details carry the
   * `mfa_token` for client.auth.verifyMfa()).
   */
  static async login(options: LoginOptions): Promise<PronaFlow> {
    const { email, username, password, totpCode, backupCode, ...transport } = options;
    const client = new PronaFlow(transport);
    const credentials: Record<string, string> = { password };
    if (email !== undefined) credentials.email = email;
    if (username !== undefined) credentials.username = username;
    let data: any = await client.http.data('POST', '/api/v1/auth/login', { body: credentials, anonymous: true });
    if (data?.mfa_required) {
      if (!totpCode && !backupCode) {
        throw new PronaFlowError({
          status: 200,
          code: 'MFA_REQUIRED',
          message: 'This account has MFA on: pass totpCode or backupCode to PronaFlow.login()',
          details: { mfa_token: data.mfa_token },
        });
      }
      const second: Record<string, string> = { mfa_token: data.mfa_token };
      if (totpCode) second.totp_code = totpCode;
      else second.backup_code = backupCode!;
      data = await client.http.data('POST', '/api/v1/auth/mfa/verify', { body: second, anonymous: true });
    }
    client.http.setTokens({ accessToken: data.access_token, refreshToken: data.refresh_token });
    return client;
  }

  /** Any call by method and path (under the base URL); resolves to the parsed envelope. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: RequestOptions & { query?: QueryParams; body?: unknown } = {},
  ): Promise<any> {
    return this.http.request(method, path, options);
  }

  /** GET /health: database, Redis, broker and e-mail status (a 503 names what is down). */
  health(options?: RequestOptions): Promise<Data<'/health', 'get'>> {
    return this.http.data('GET', '/health', options);
  }

  /** The X-RateLimit-* headers of the last response (limit, remaining, reset, tier). */
  get rateLimit(): RateLimitInfo | null {
    return this.http.rateLimit;
  }
}

(PronaFlow as { PronaFlow: typeof PronaFlow }).PronaFlow = PronaFlow;
