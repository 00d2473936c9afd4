import { describe, expect, test } from 'vitest';
import { useRigs } from './resilience-fixtures.ts';

const rigs = useRigs();

/** The keys each call to `route` asked for, in call order. */
const idsAsked = (route: string): string[][] => rigs.upstream.calls.filter((c) => c.route === route).map((c) => c.url.searchParams.get('ids')!.split(','));

/**
 * A field keyed by its parent's key field (`User.profile`, key `{parent.id}`, users loaded by
 * id) is fetched together with its parents, not after them: every user that arrives carries
 * one of the ids asked for. A field keyed by anything else waits for the parents' answer.
 */
describe('fetching with the parent by key', () => {
  test('the profiles call goes out while the users call is still unanswered', async () => {
    const { gw } = await rigs.start({});
    rigs.upstream.setFault('/users', { kind: 'hang' });
    const { body } = await gw.query('{ users(ids: ["1", "2"]) { id profile { bio } } }', undefined, { 'x-tessera-timeout-ms': '300' });
    expect(body.data).toEqual({ users: [null, null] });
    expect(idsAsked('/profiles')).toEqual([['1', '2']]);
  });

  test('a field keyed by another parent field is not fetched before the parents arrive', async () => {
    const { gw } = await rigs.start({});
    rigs.upstream.setFault('/users', { kind: 'hang' });
    const { body } = await gw.query('{ users(ids: ["1"]) { id profileByName { bio } } }', undefined, { 'x-tessera-timeout-ms': '300' });
    expect(body.data).toEqual({ users: [null] });
    expect(idsAsked('/profiles')).toEqual([]);
  });

  test.each([
    { name: 'profile', query: '{ users(ids: ["1", "2"]) { id profile { bio } } }', profiles: [['1', '2']] },
    { name: 'two fields on the same operation', query: '{ users(ids: ["1", "2"]) { profile { bio } profileOrDefault { id } } }', profiles: [['1', '2']] },
    { name: 'profileByName, after the users', query: '{ users(ids: ["1", "2"]) { profileByName { id } } }', profiles: [['User 1', 'User 2']] },
  ])('$name: one call per operation, each key once, every answer in place', async ({ query, profiles }) => {
    const { gw } = await rigs.start({});
    const { body } = await gw.query(query);
    expect(body.errors).toBeUndefined();
    expect(idsAsked('/users')).toEqual([['1', '2']]);
    expect(idsAsked('/profiles')).toEqual(profiles);
    const users = (body.data as { users: Record<string, { bio?: string; id?: string }>[] }).users;
    expect(users).toHaveLength(2);
    users.forEach((user, i) => {
      if (user.profile) expect(user.profile.bio).toBe(`Bio of ${i + 1}`);
      if (user.profileOrDefault) expect(user.profileOrDefault.id).toBe(String(i + 1));
      if (user.profileByName) expect(user.profileByName.id).toBe(`User ${i + 1}`);
    });
  });
});
