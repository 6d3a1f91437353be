// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { parseRequestPath } from './request-path';

describe('parseRequestPath', () => {
  it('splits path and query and decodes segments', () => {
    expect(parseRequestPath('/images/foo%2Fbar?page=2')).toEqual({
      ok: true,
      rawPath: '/images/foo%2Fbar',
      search: '?page=2',
      segments: ['images', 'foo/bar'],
    });
    expect(parseRequestPath('/')).toEqual({ ok: true, rawPath: '/', search: '', segments: [''] });
  });

  it('accepts absolute-form targets', () => {
    expect(parseRequestPath('http://example.com/assets/a.js?v=1')).toMatchObject({
      ok: true,
      rawPath: '/assets/a.js',
      search: '?v=1',
    });
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/./index.html',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/a/b%2F..%2F..%2F..%2Fsecret.txt',
  ])('refuses dot segments in %s', (target) => {
    expect(parseRequestPath(target)).toEqual({ ok: false, reason: 'dot segment in path' });
  });

  it('refuses NUL bytes, bad escapes and non-HTTP targets', () => {
    expect(parseRequestPath('/index.html%00.js')).toEqual({ ok: false, reason: 'NUL in path' });
    expect(parseRequestPath('/%E0%A4%A')).toEqual({ ok: false, reason: 'malformed percent-encoding' });
    expect(parseRequestPath('*')).toEqual({ ok: false, reason: 'unsupported request target' });
    expect(parseRequestPath(undefined)).toEqual({ ok: false, reason: 'missing request target' });
  });

  it('allows dots inside names', () => {
    expect(parseRequestPath('/images/nginx:1.27/...more')).toMatchObject({ ok: true });
  });
});
