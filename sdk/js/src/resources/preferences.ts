import type { RequestOptions, Body, Data } from '../types.js';
import { Resource } from './base.js';

const P = '/api/v1/preferences';

/** Module 9: personal preferences, themes, languages and accessibility. */
export class Preferences extends Resource {
  get(options?: RequestOptions): Promise<Data<typeof P, 'get'>> {
    return this.http.data('GET', P, options);
  }
  update(body: Body<typeof P, 'patch'>, options?: RequestOptions): Promise<Data<typeof P, 'patch'>> {
    return this.http.data('PATCH', P, { ...options, body });
  }
  listThemes(options?: RequestOptions): Promise<Data<'/api/v1/preferences/themes', 'get'>> {
    return this.http.data('GET', `${P}/themes`, options);
  }
  listLanguages(options?: RequestOptions): Promise<Data<'/api/v1/preferences/languages', 'get'>> {
    return this.http.data('GET', `${P}/languages`, options);
  }
  wcagLevel(options?: RequestOptions): Promise<Data<'/api/v1/preferences/accessibility/wcag-level', 'get'>> {
    return this.http.data('GET', `${P}/accessibility/wcag-level`, options);
  }
}
