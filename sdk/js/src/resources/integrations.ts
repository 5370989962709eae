import type { RequestOptions, Body, Data, Item, Query, Page, OffsetPage } from '../types.js';
import { Resource, seg } from './base.js';

const I = '/api/v1/integration';
const TK = '/api/v1/integration/tokens';
type TkId = '/api/v1/integration/tokens/{token_id}';
const WH = '/api/v1/integration/webhooks';
type WhId = '/api/v1/integration/webhooks/{webhook_id}';
type WhDeliveries = '/api/v1/integration/webhooks/{webhook_id}/deliveries';
const OA = '/api/v1/integration/oauth/apps';
const OC = '/api/v1/integration/oauth/connections';
const PL = '/api/v1/integration/plugins';
type PlInstalled = '/api/v1/integration/plugins/installed';
type PlInstall = '/api/v1/integration/plugins/{plugin_id}/install';
type PlConfig = '/api/v1/integration/plugins/{installation_id}/config';
const CS = '/api/v1/integration/consents';

/** Module 12: personal API tokens (`prona_...`, shown once at creation). */
export class IntegrationTokens extends Resource {
  list(query?: Query<typeof TK, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof TK>>> {
    return this.http.page(TK, query, options);
  }
  iter(query?: Query<typeof TK, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof TK>> {
    return this.http.pages(TK, query, options);
  }
  /** `name`, `scopes` (see scopes()), `expires_at?`; the result carries the token value once. */
  create(body: Body<typeof TK, 'post'>, options?: RequestOptions): Promise<Data<typeof TK, 'post'>> {
    return this.http.data('POST', TK, { ...options, body });
  }
  get(tokenId: string, options?: RequestOptions): Promise<Data<TkId, 'get'>> {
    return this.http.data('GET', `${TK}/${seg(tokenId)}`, options);
  }
  update(tokenId: string, body: Body<TkId, 'patch'>, options?: RequestOptions): Promise<Data<TkId, 'patch'>> {
    return this.http.data('PATCH', `${TK}/${seg(tokenId)}`, { ...options, body });
  }
  revoke(tokenId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${TK}/${seg(tokenId)}`, options);
  }
  usage(tokenId: string, query?: Query<'/api/v1/integration/tokens/{token_id}/usage', 'get'>, options?: RequestOptions): Promise<Data<'/api/v1/integration/tokens/{token_id}/usage', 'get'>> {
    return this.http.data('GET', `${TK}/${seg(tokenId)}/usage`, { ...options, query });
  }
  /** Every scope a token may be given. */
  scopes(options?: RequestOptions): Promise<Data<'/api/v1/integration/tokens/scopes', 'get'>> {
    return this.http.data('GET', `${TK}/scopes`, options);
  }
}

/**
 * The body of webhooks.create(): the server's fields, plus `events` (a list of event types) as the
 * spec's SDK example writes it; servers that know `events` derive `name` from the URL's host.
 */
export type WebhookCreateBody = Partial<Body<typeof WH, 'post'>> & {
  url: string;
  events?: string[];
};

/** Module 12: webhooks, their deliveries (limit/offset pagination) and maintenance actions. */
export class Webhooks extends Resource {
  list(query?: Query<typeof WH, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof WH>>> {
    return this.http.page(WH, query, options);
  }
  iter(query?: Query<typeof WH, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof WH>> {
    return this.http.pages(WH, query, options);
  }
  /** Workspace owners and admins. The generated `secret` is in the result, once. */
  create(body: WebhookCreateBody, options?: RequestOptions): Promise<Data<typeof WH, 'post'>> {
    return this.http.data('POST', WH, { ...options, body });
  }
  get(webhookId: string, options?: RequestOptions): Promise<Data<WhId, 'get'>> {
    return this.http.data('GET', `${WH}/${seg(webhookId)}`, options);
  }
  update(webhookId: string, body: Body<WhId, 'patch'> & { events?: string[] }, options?: RequestOptions): Promise<Data<WhId, 'patch'>> {
    return this.http.data('PATCH', `${WH}/${seg(webhookId)}`, { ...options, body });
  }
  delete(webhookId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${WH}/${seg(webhookId)}`, options);
  }
  listDeliveries(webhookId: string, query?: Query<WhDeliveries, 'get'>, options?: RequestOptions): Promise<OffsetPage<Item<WhDeliveries>>> {
    return this.http.offsetPage(`${WH}/${seg(webhookId)}/deliveries`, query, options);
  }
  iterDeliveries(webhookId: string, query?: Query<WhDeliveries, 'get'>, options?: RequestOptions): AsyncGenerator<Item<WhDeliveries>> {
    return this.http.offsets(`${WH}/${seg(webhookId)}/deliveries`, query, options);
  }
  getDelivery(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<Data<'/api/v1/integration/webhooks/{webhook_id}/deliveries/{delivery_id}', 'get'>> {
    return this.http.data('GET', `${WH}/${seg(webhookId)}/deliveries/${seg(deliveryId)}`, options);
  }
  /** Sends a test event to the webhook's URL. */
  test(webhookId: string, body?: Body<'/api/v1/integration/webhooks/{webhook_id}/test', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/integration/webhooks/{webhook_id}/test', 'post'>> {
    return this.http.data('POST', `${WH}/${seg(webhookId)}/test`, { ...options, body });
  }
  /** Queues one delivery again. */
  redeliver(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<Data<'/api/v1/integration/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', 'post'>> {
    return this.http.data('POST', `${WH}/${seg(webhookId)}/deliveries/${seg(deliveryId)}/redeliver`, options);
  }
  /** A new signing secret (in the result, once). */
  rotateSecret(webhookId: string, body?: Body<'/api/v1/integration/webhooks/{webhook_id}/rotate-secret', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/integration/webhooks/{webhook_id}/rotate-secret', 'post'>> {
    return this.http.data('POST', `${WH}/${seg(webhookId)}/rotate-secret`, { ...options, body });
  }
}

/** Module 12: OAuth providers (apps) and my connections to them. */
export class OAuth extends Resource {
  listApps(query?: Query<typeof OA, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof OA>>> {
    return this.http.page(OA, query, options);
  }
  iterApps(query?: Query<typeof OA, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof OA>> {
    return this.http.pages(OA, query, options);
  }
  getApp(appId: string, options?: RequestOptions): Promise<Data<'/api/v1/integration/oauth/apps/{app_id}', 'get'>> {
    return this.http.data('GET', `${OA}/${seg(appId)}`, options);
  }
  listConnections(query?: Query<typeof OC, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof OC>>> {
    return this.http.page(OC, query, options);
  }
  iterConnections(query?: Query<typeof OC, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof OC>> {
    return this.http.pages(OC, query, options);
  }
  connect(body: Body<typeof OC, 'post'>, options?: RequestOptions): Promise<Data<typeof OC, 'post'>> {
    return this.http.data('POST', OC, { ...options, body });
  }
  getConnection(connectionId: string, options?: RequestOptions): Promise<Data<'/api/v1/integration/oauth/connections/{connection_id}', 'get'>> {
    return this.http.data('GET', `${OC}/${seg(connectionId)}`, options);
  }
  disconnect(connectionId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${OC}/${seg(connectionId)}`, options);
  }
}

/** Module 12: the plugin marketplace and installed plugins. */
export class Plugins extends Resource {
  list(query?: Query<typeof PL, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof PL>>> {
    return this.http.page(PL, query, options);
  }
  iter(query?: Query<typeof PL, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof PL>> {
    return this.http.pages(PL, query, options);
  }
  get(pluginId: string, options?: RequestOptions): Promise<Data<'/api/v1/integration/plugins/{plugin_id}', 'get'>> {
    return this.http.data('GET', `${PL}/${seg(pluginId)}`, options);
  }
  install(pluginId: string, body: Body<PlInstall, 'post'>, options?: RequestOptions): Promise<Data<PlInstall, 'post'>> {
    return this.http.data('POST', `${PL}/${seg(pluginId)}/install`, { ...options, body });
  }
  listInstalled(query?: Query<PlInstalled, 'get'>, options?: RequestOptions): Promise<Page<Item<PlInstalled>>> {
    return this.http.page(`${PL}/installed`, query, options);
  }
  iterInstalled(query?: Query<PlInstalled, 'get'>, options?: RequestOptions): AsyncGenerator<Item<PlInstalled>> {
    return this.http.pages(`${PL}/installed`, query, options);
  }
  updateConfig(installationId: string, body: Body<PlConfig, 'patch'>, options?: RequestOptions): Promise<Data<PlConfig, 'patch'>> {
    return this.http.data('PATCH', `${PL}/${seg(installationId)}/config`, { ...options, body });
  }
  /** `DELETE /integration/plugins/{plugin_id}` (the server resolves the installation). */
  uninstall(pluginId: string, query?: Query<'/api/v1/integration/plugins/{plugin_id}', 'delete'>, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${PL}/${seg(pluginId)}`, { ...options, query });
  }
}

/** Module 12: consents and governance. */
export class Consents extends Resource {
  list(query?: Query<typeof CS, 'get'>, options?: RequestOptions): Promise<Page<Item<typeof CS>>> {
    return this.http.page(CS, query, options);
  }
  iter(query?: Query<typeof CS, 'get'>, options?: RequestOptions): AsyncGenerator<Item<typeof CS>> {
    return this.http.pages(CS, query, options);
  }
  grant(body: Body<typeof CS, 'post'>, options?: RequestOptions): Promise<Data<typeof CS, 'post'>> {
    return this.http.data('POST', CS, { ...options, body });
  }
  get(consentId: string, options?: RequestOptions): Promise<Data<'/api/v1/integration/consents/{consent_id}', 'get'>> {
    return this.http.data('GET', `${CS}/${seg(consentId)}`, options);
  }
  revoke(consentId: string, options?: RequestOptions): Promise<void> {
    return this.http.data('DELETE', `${CS}/${seg(consentId)}`, options);
  }
  /** The compliance status of my consents. */
  status(query?: Query<'/api/v1/integration/consents/status', 'get'>, options?: RequestOptions): Promise<Data<'/api/v1/integration/consents/status', 'get'>> {
    return this.http.data('GET', `${CS}/status`, { ...options, query });
  }
}

/** Module 12: integration status and health. */
export class Integration extends Resource {
  status(query?: Query<'/api/v1/integration/status', 'get'>, options?: RequestOptions): Promise<Data<'/api/v1/integration/status', 'get'>> {
    return this.http.data('GET', `${I}/status`, { ...options, query });
  }
  health(options?: RequestOptions): Promise<Data<'/api/v1/integration/health', 'get'>> {
    return this.http.data('GET', `${I}/health`, options);
  }
}
