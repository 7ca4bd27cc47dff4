import { describe, expect, it } from 'vitest';
import { credentialFromHeaders } from './context';

const TOKEN = 'znyx_rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('credentialFromHeaders', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the %s scheme in any case', (scheme) => {
    expect(credentialFromHeaders({ authorization: `${scheme} ${TOKEN}` })).toEqual({
      kind: 'token',
      token: TOKEN,
    });
  });

  it('accepts extra spaces around the Bearer token', () => {
    expect(credentialFromHeaders({ authorization: `Bearer   ${TOKEN}  ` })).toEqual({
      kind: 'token',
      token: TOKEN,
    });
  });

  it('treats a bare token in Authorization, without the Bearer scheme, as malformed', () => {
    expect(credentialFromHeaders({ authorization: TOKEN })).toEqual({ kind: 'malformed' });
  });

  it.each([
    `Basic ${Buffer.from('user:pass').toString('base64')}`,
    `Token ${TOKEN}`,
    `Bearer-${TOKEN}`,
    `Bearer:${TOKEN}`,
  ])('treats another scheme (%s) as malformed', (authorization) => {
    expect(credentialFromHeaders({ authorization })).toEqual({ kind: 'malformed' });
  });

  it.each(['Bearer ', 'Bearer', 'Bearer    ', ''])(
    'treats %j (no token after the scheme) as malformed',
    (value) => {
      expect(credentialFromHeaders({ authorization: value })).toEqual({ kind: 'malformed' });
    },
  );

  it('treats a Bearer value with two words as malformed', () => {
    expect(credentialFromHeaders({ authorization: `Bearer ${TOKEN} extra` })).toEqual({ kind: 'malformed' });
  });

  it('prefers Authorization over X-API-Key when both are present', () => {
    expect(credentialFromHeaders({ authorization: `Bearer ${TOKEN}`, 'x-api-key': 'other-key' })).toEqual({
      kind: 'token',
      token: TOKEN,
    });
  });

  it('lets a malformed Authorization win over a well-formed X-API-Key', () => {
    expect(credentialFromHeaders({ authorization: `Basic ${TOKEN}`, 'x-api-key': TOKEN })).toEqual({
      kind: 'malformed',
    });
    expect(credentialFromHeaders({ authorization: 'Bearer ', 'x-api-key': TOKEN })).toEqual({
      kind: 'malformed',
    });
  });

  it('reads X-API-Key when there is no Authorization header', () => {
    expect(credentialFromHeaders({ 'x-api-key': TOKEN })).toEqual({ kind: 'token', token: TOKEN });
  });

  it('trims whitespace around the X-API-Key value', () => {
    expect(credentialFromHeaders({ 'x-api-key': `  ${TOKEN} ` })).toEqual({ kind: 'token', token: TOKEN });
  });

  it.each(['', ' ', '\t  '])('treats a blank X-API-Key (%j) as malformed', (value) => {
    expect(credentialFromHeaders({ 'x-api-key': value })).toEqual({ kind: 'malformed' });
  });

  it('treats a repeated X-API-Key header (an array) as malformed', () => {
    expect(credentialFromHeaders({ 'x-api-key': [TOKEN, TOKEN] })).toEqual({ kind: 'malformed' });
  });

  it('reports no credential when neither header is present', () => {
    expect(credentialFromHeaders({})).toEqual({ kind: 'none' });
    expect(credentialFromHeaders({ host: 'localhost', cookie: `token=${TOKEN}` })).toEqual({ kind: 'none' });
  });
});
