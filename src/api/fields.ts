// Searchable fields of the account collections, taken from the collection catalogue.
import { APIKEY, USER } from '../store/collections.js';

export const USER_COLLECTION_FIELDS = Object.keys(USER.fields);
export const APIKEY_COLLECTION_FIELDS = Object.keys(APIKEY.fields);
