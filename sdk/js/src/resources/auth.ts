import type { RequestOptions, Body, Data, Item, Query, Page } from '../types.js';
import { Resource } from './base.js';

const A = '/api/v1/auth';
type Me = '/api/v1/auth/me';
type Sessions = '/api/v1/auth/sessions';

/**
 * Module 1: the account of the signed-in user (profile, password, MFA, sessions) and the public
 * account endpoints. To sign in, use `PronaFlow.login()`.
 */
export class Auth extends Resource {
  /** Public: creates an account (a verification e-mail follows). */
  register(body: Body<'/api/v1/auth/register', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/register', 'post'>> {
    return this.http.data('POST', `${A}/register`, { ...options, body, anonymous: true });
  }
  verifyEmail(body: Body<'/api/v1/auth/verify-email', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/verify-email', 'post'>> {
    return this.http.data('POST', `${A}/verify-email`, { ...options, body, anonymous: true });
  }
  resendVerification(body: Body<'/api/v1/auth/resend-verification', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/resend-verification', 'post'>> {
    return this.http.data('POST', `${A}/resend-verification`, { ...options, body, anonymous: true });
  }
  /** The raw login call (tokens in the result); `PronaFlow.login()` builds a client from it. */
  login(body: Body<'/api/v1/auth/login', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/login', 'post'>> {
    return this.http.data('POST', `${A}/login`, { ...options, body, anonymous: true });
  }
  /** Second login step with MFA on: `mfa_token` and `totp_code` or `backup_code`. */
  verifyMfa(body: Body<'/api/v1/auth/mfa/verify', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/mfa/verify', 'post'>> {
    return this.http.data('POST', `${A}/mfa/verify`, { ...options, body, anonymous: true });
  }
  /** Exchanges a refresh token for a new pair (the client does this by itself after a 401). */
  refresh(body: Body<'/api/v1/auth/refresh', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/refresh', 'post'>> {
    return this.http.data('POST', `${A}/refresh`, { ...options, body, anonymous: true });
  }
  /** Ends this session; the client's own refresh token is sent when none is given. */
  logout(body?: Body<'/api/v1/auth/logout', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/logout', 'post'>> {
    const refresh = this.http.tokens.refreshToken;
    return this.http.data('POST', `${A}/logout`, { ...options, body: body ?? (refresh ? { refresh_token: refresh } : {}) });
  }
  me(options?: RequestOptions): Promise<Data<Me, 'get'>> {
    return this.http.data('GET', `${A}/me`, options);
  }
  updateMe(body: Body<Me, 'patch'>, options?: RequestOptions): Promise<Data<Me, 'patch'>> {
    return this.http.data('PATCH', `${A}/me`, { ...options, body });
  }
  changePassword(body: Body<'/api/v1/auth/password-change', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/password-change', 'post'>> {
    return this.http.data('POST', `${A}/password-change`, { ...options, body });
  }
  requestPasswordReset(body: Body<'/api/v1/auth/password-reset', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/password-reset', 'post'>> {
    return this.http.data('POST', `${A}/password-reset`, { ...options, body, anonymous: true });
  }
  confirmPasswordReset(body: Body<'/api/v1/auth/password-reset/confirm', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/password-reset/confirm', 'post'>> {
    return this.http.data('POST', `${A}/password-reset/confirm`, { ...options, body, anonymous: true });
  }
  /** Starts TOTP set-up: secret, otpauth URI and QR code. */
  enableMfa(options?: RequestOptions): Promise<Data<'/api/v1/auth/mfa/enable', 'post'>> {
    return this.http.data('POST', `${A}/mfa/enable`, options);
  }
  /** Turns MFA on with a first code; returns the backup codes. */
  confirmMfa(body: Body<'/api/v1/auth/mfa/confirm', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/mfa/confirm', 'post'>> {
    return this.http.data('POST', `${A}/mfa/confirm`, { ...options, body });
  }
  disableMfa(body: Body<'/api/v1/auth/mfa/disable', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/mfa/disable', 'post'>> {
    return this.http.data('POST', `${A}/mfa/disable`, { ...options, body });
  }
  regenerateBackupCodes(options?: RequestOptions): Promise<Data<'/api/v1/auth/mfa/backup-codes/regenerate', 'post'>> {
    return this.http.data('POST', `${A}/mfa/backup-codes/regenerate`, options);
  }
  listSessions(query?: Query<Sessions, 'get'>, options?: RequestOptions): Promise<Page<Item<Sessions>>> {
    return this.http.page(`${A}/sessions`, query, options);
  }
  iterSessions(query?: Query<Sessions, 'get'>, options?: RequestOptions): AsyncGenerator<Item<Sessions>> {
    return this.http.pages(`${A}/sessions`, query, options);
  }
  revokeSession(body: Body<'/api/v1/auth/sessions/revoke', 'post'>, options?: RequestOptions): Promise<Data<'/api/v1/auth/sessions/revoke', 'post'>> {
    return this.http.data('POST', `${A}/sessions/revoke`, { ...options, body });
  }
  /** Every session but the current one. */
  revokeAllSessions(options?: RequestOptions): Promise<Data<'/api/v1/auth/sessions/revoke-all', 'post'>> {
    return this.http.data('POST', `${A}/sessions/revoke-all`, options);
  }
}
