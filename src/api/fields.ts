// Searchable fields of the account collections, as the search layer declares them.
import { declaredFields } from '../core/search/indices.js';

export const USER_COLLECTION_FIELDS = declaredFields('user');
export const APIKEY_COLLECTION_FIELDS = declaredFields('apikey');
