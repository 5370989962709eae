import type { Transport } from '../http.js';

/** Shared by every resource: the transport and a safe path-segment encoder. */
export abstract class Resource {
  constructor(protected readonly http: Transport) {}
}

/** A path segment from an id (UUIDs in practice; encoded so a stray "/" cannot change the route). */
export const seg = (id: string | number): string => encodeURIComponent(String(id));
