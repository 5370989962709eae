/**
 * @pronaflow/sdk: the PronaFlow REST API client.
 *
 *   import { PronaFlow } from '@pronaflow/sdk';          // ESM
 *   const { PronaFlow } = require('@pronaflow/sdk');     // CommonJS
 *   const PronaFlow = require('@pronaflow/sdk');         // CommonJS, as in the API spec's example
 */
export { PronaFlow, type PronaFlowOptions, type LoginOptions } from './client.js';
export { PronaFlowError, WebhookVerificationError, type ErrorCode } from './errors.js';
export { verify, sign, secretKeyBytes, type HeadersLike, type VerifyOptions } from './verify.js';
export { DEFAULT_BASE_URL, SDK_VERSION, parseRetryAfter, type RateLimitInfo, type TransportOptions } from './http.js';
export type { ServerSentEvent } from './sse.js';
export type { WebhookCreateBody } from './resources/integrations.js';
export type {
  Body,
  Data,
  FileDownload,
  Item,
  OffsetPage,
  OffsetPagination,
  Page,
  PagePagination,
  Query,
  RequestOptions,
  Schemas,
  components,
  paths,
} from './types.js';
import { PronaFlow } from './client.js';
export default PronaFlow;
