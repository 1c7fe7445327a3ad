/**
 * Lua for a Redis key held by a token (a lease or a lock): only the holder that set
 * the token may extend or delete it, checked and done in one step on the server.
 */

/** KEYS[1] the key, ARGV[1] the token, ARGV[2] the new lifetime in ms: 1 if extended, 0 if no longer ours. */
export const RENEW_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0
`;

/** KEYS[1] the key, ARGV[1] the token: deletes the key only while the token is still ours. */
export const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
