// Malformed account requests: users, their settings, API keys and logins with fields of the wrong type,
// unknown enum values, forbidden characters and unknown names; plus the help and discovery routes.
import { describe } from 'node:test';
import { BAD_JSON, JSON_TYPE, malformedServer, nested, table, type Case } from './harness.js';

const user = (method: string, path: string, json: unknown, status: number, message?: string, as?: Case['as']): Case => ({
  name: `${method} user/${path} ${JSON.stringify(json)?.slice(0, 60)}`,
  method,
  path: `/api/v4/user/${path}`,
  json,
  status,
  message,
  as,
});
const settings = (json: unknown, status: number, message?: string): Case => user('POST', 'settings/admin/', json, status, message);
const zip = { default_zip_password: 'infected' };

describe('malformed account requests', () => {
  const srv = malformedServer();

  table('users: names, types, roles and fields of the wrong type', srv, [
    user('PUT', 'bad%20name!/', { name: 'x' }, 400, 'Invalid username'),
    user('PUT', '%7Bx%7D/', { name: 'x' }, 412, "You can't use '{}' in the username"),
    user('PUT', `${'u'.repeat(65)}/`, {}, 400, 'Invalid username'),
    user('PUT', '..%2F..%2Fetc/', {}, 400, 'Invalid username'),
    user('PUT', '%F0%9F%92%A9/', {}, 400, 'Invalid username'),
    user('PUT', 'newu/', { type: ['emperor'] }, 400, 'Invalid user type'),
    user('PUT', 'newu/', { type: [] }, 400, 'Invalid user type'),
    user('PUT', 'newu/', { roles: ['god_mode'] }, 400, 'Invalid roles'),
    user('PUT', 'newu/', { groups: [{}] }, 400, 'body/groups/0 must be string'),
    user('PUT', 'newu/', { is_active: 'maybe' }, 400, 'body/is_active must be boolean'),
    user('PUT', 'newu/', { email: { a: 'b' } }, 400, 'body/email'),
    user('PUT', 'newu/', { apikeys: { k: {} } }, 412, 'You cannot create apikeys with this endpoint.'),
    user('PUT', 'newu/', [], 400, 'body must be object'),
    user('PUT', 'admin/', {}, 400, 'already exists'),
    user('GET', 'nope/', undefined, 404, 'User nope does not exists'),
    user('POST', 'nope/', { name: 'x' }, 404, 'does not exists'),
    user('POST', 'mallory/', { name: '' }, 400, 'Full name of the user cannot be empty'),
    user('POST', 'mallory/', { type: ['emperor'] }, 400, 'Invalid user type'),
    user('POST', 'mallory/', { roles: ['god_mode'] }, 400, 'Invalid roles'),
    user('POST', 'admin/', { name: 'x' }, 403, 'Your username does not match requested username', 'user'),
    user('POST', 'mallory/', { roles: ['administration'] }, 403, 'You are not allowed to change these fields', 'user'),
    user('GET', 'admin/', undefined, 403, 'You are not allowed to view another user', 'user'),
    user('DELETE', 'nope/', undefined, 404, 'does not exist'),
    user('GET', 'list/?rows=-1', undefined, 400, 'search.maxRows'),
    user('GET', 'list/?offset=x', undefined, 400, 'querystring/offset must be integer'),
    user('GET', 'list/?query=uname:a%20OR%20uname:b', undefined, 400, 'SearchException: unsupported query'),
    user('GET', 'list/?query=password:x', undefined, 400, 'SearchException: unsupported query'),
    user('GET', 'list/?sort=password%20asc', undefined, 400, 'SearchException: invalid sort'),
    user('GET', 'list/?sort=uname%20sideways', undefined, 400, 'SearchException: invalid sort'),
    user('GET', 'submission_params/admin/nope/', undefined, 400, "Submission profile 'nope' does not exist"),
    user('GET', 'submission_params/nope/default/', undefined, 404, 'does not exists'),
  ]);

  table('user settings: unknown encodings, empty passwords, metadata and profiles of the wrong shape', srv, [
    settings({}, 403, "Encryption password can't be empty."),
    settings({ default_zip_password: 5 }, 403, "Encryption password can't be empty."),
    settings({ ...zip, download_encoding: 'exe' }, 400, 'Invalid download encoding: exe'),
    settings({ ...zip, submission_profiles: [] }, 400, 'submission_profiles must map profile names to objects'),
    settings({ ...zip, submission_profiles: { default: 'fast' } }, 400, 'submission_profiles must map profile names'),
    settings({ ...zip, submission_profiles: { default: { priority: 'high' } } }, 400, 'params.priority must be an integer'),
    settings({ ...zip, submission_profiles: { mine: { services: 'all' } } }, 400, 'params.services must be an object'),
    settings({ ...zip, default_metadata: ['a'] }, 400, 'default_metadata must be an object of key/value pairs, not a list'),
    settings({ ...zip, default_metadata: { a: [1] } }, 400, 'default_metadata.a is a list'),
    settings({ ...zip, default_metadata: { a: 'x'.repeat(5000) } }, 400, 'submission.maxMetadataLength'),
    settings([], 400, 'body must be object'),
    { method: 'POST', path: '/api/v4/user/settings/admin/', headers: JSON_TYPE, body: `{"default_metadata":${nested(200)}}`, status: 400, message: 'server.maxJsonDepth' },
    user('GET', 'settings/nope/', undefined, 404, 'does not exists'),
    user('POST', 'settings/nope/', zip, 404, 'does not exists'),
    user('POST', 'settings/admin/', zip, 403, 'You are not allowed to set settings for another user', 'user'),
  ]);

  const key = (json: unknown, status: number, message?: string, as?: Case['as']): Case => ({
    name: `PUT apikey/add ${JSON.stringify(json)?.slice(0, 60)}`,
    method: 'PUT',
    path: '/api/v4/apikey/add/',
    json,
    status,
    message,
    as,
  });

  table('API keys: names with forbidden characters, unknown privileges, owners and ids', srv, [
    key({}, 400, "body must have required property 'key_name'"),
    key({ key_name: 'k' }, 400, "must have required property 'priv'"),
    key({ key_name: '', priv: ['R'] }, 400, 'body/key_name must NOT have fewer than 1 characters'),
    key({ key_name: 'k', priv: [] }, 400, 'body/priv must NOT have fewer than 1 items'),
    key({ key_name: 'k', priv: ['Z'] }, 400, 'body/priv/0 must be equal to one of the allowed values'),
    key({ key_name: 'k', priv: 'RW' }, 400, 'body/priv'),
    key({ key_name: 'a:b', priv: ['R'] }, 400, "APIKey 'a:b' contains forbidden characters."),
    key({ key_name: '../x', priv: ['R'] }, 400, 'contains forbidden characters'),
    key({ key_name: 'k', priv: ['R', 'C'] }, 400, 'Invalid APIKey privilege'),
    key({ key_name: 'k', priv: ['C'], roles: ['god_mode'] }, 400, "None of the roles you've requested"),
    key({ key_name: 'k', priv: ['R'], uname: 'nobody' }, 400, 'Target user not found'),
    key({ key_name: 'k', priv: ['R'], uname: 'admin' }, 400, 'You do not have the permission to modify API Key', 'user'),
    key({ key_name: 'k', priv: ['R'], expiry_ts: 'tomorrow' }, 400, 'body/expiry_ts'),
    key({ key_name: 'testkey', priv: ['R'] }, 400, 'already exist'),
    { path: '/api/v4/apikey/xx/', status: 400, message: 'params/key_id must NOT have fewer than 3 characters' },
    { path: '/api/v4/apikey/nope+admin/', status: 404, message: 'Cannot find APIKey with the given ID.' },
    { path: '/api/v4/apikey/username/admin/', as: 'user', status: 400, message: 'You do not have the permission to fetch API Keys' },
    { path: '/api/v4/apikey/list/?rows=-3', status: 400, message: 'search.maxRows' },
    { path: '/api/v4/apikey/list/?query=key_name:a%20OR%20x', status: 400, message: 'SearchException' },
  ]);

  const login = (json: unknown, status: number, message?: string): Case => ({
    name: `login ${JSON.stringify(json)?.slice(0, 60)}`,
    method: 'POST',
    path: '/api/v4/auth/login/',
    json,
    as: 'anon',
    status,
    message,
  });

  table('logins and credentials that are missing, of the wrong type or not credentials', srv, [
    login({}, 401, 'Not enough information to proceed with authentication'),
    login({ user: 'ghost' }, 401, 'Not enough information'),
    login({ user: { a: 1 }, password: 'x' }, 400, 'body/user must be string'),
    login({ user: 'ghost', password: ['x'] }, 401),
    login({ user: 'ghost', password: 'wrong' }, 401, 'Wrong username or password'),
    login({ user: 'ghost', apikey: 'no-colon' }, 401),
    login({ user: 'ghost', apikey: `k:${'x'.repeat(100_000)}` }, 401),
    login([], 400, 'body must be object'),
    { method: 'POST', path: '/api/v4/auth/login/', as: 'anon', headers: JSON_TYPE, body: '{"user":', status: 400, message: BAD_JSON },
    { path: '/api/v4/auth/login/?user=ghost&password=x', as: 'anon', status: 401, message: 'Wrong username or password' },
    { path: '/api/', as: 'anon', headers: { 'x-user': 'admin', 'x-apikey': 'nocolon' }, status: 401 },
    { path: '/api/', as: 'anon', headers: { 'x-user': 'admin', 'x-apikey': 'testkey:wrong' }, status: 401 },
    { path: '/api/', as: 'anon', headers: { 'x-user': 'ghost', 'x-apikey': 'testkey:wrong' }, status: 401 },
    { path: '/api/', as: 'anon', headers: { 'x-user': 'admin' }, status: 401, message: 'Session not found' },
    { path: '/api/', as: 'anon', headers: { cookie: 'session=garbage' }, status: 401, message: 'Session not found' },
    { path: '/api/', as: 'anon', headers: { cookie: `session=${'%'.repeat(2000)}` }, status: 401 },
    { path: '/api/v4/auth/logout/', as: 'anon', status: 401, message: 'Session not found' },
  ]);

  table('discovery and help: APIs that do not exist', srv, [
    { path: '/api/v3/auth/init/', status: 404, message: 'Api does not exist (/api/v3/auth/init/)' },
    { path: '/api/v4/nothing/here/', status: 404, message: 'Api does not exist' },
    { path: '/api/v5/', status: 404, message: 'Api does not exist' },
    { path: '/api/v4/help/nope/', status: 404, message: 'Api does not exist' },
    { path: '/api/v4/%F0%9F%92%A9/', status: 404, message: 'Api does not exist' },
    { path: '/api/v4/service/../../../etc/passwd', status: 404 },
    { method: 'DELETE', path: '/api/v4/help/configuration/', status: 405, message: 'use GET' },
    { method: 'POST', path: '/api/v4/service/all/', status: 405 },
  ]);
});
