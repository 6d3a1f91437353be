import { parseEnv } from './env';

describe('parseEnv', () => {
  it.each([
    [{}, ''],
    [{ VITE_API_BASE_URL: '' }, ''],
    [{ VITE_API_BASE_URL: 'http://127.0.0.1:8080' }, 'http://127.0.0.1:8080'],
    [{ VITE_API_BASE_URL: 'https://ledger.example.com' }, 'https://ledger.example.com'],
    [{ VITE_API_BASE_URL: 'https://example.com/ledger' }, 'https://example.com/ledger'],
  ])('accepts %j as base URL %j', (raw, expected) => {
    expect(parseEnv(raw).apiBaseUrl).toBe(expected);
  });

  it.each([
    'https://ledger.example.com/',
    'ledger.example.com',
    '/api',
    'ftp://ledger.example.com',
    'https://ledger.example.com?x=1',
    'not a url',
  ])('rejects %j with a message naming the variable', (value) => {
    expect(() => parseEnv({ VITE_API_BASE_URL: value })).toThrow(
      /VITE_API_BASE_URL must be empty \(same origin\) or an absolute http\(s\) URL without a trailing slash/,
    );
  });

  it('rejects a non-string value', () => {
    expect(() => parseEnv({ VITE_API_BASE_URL: true })).toThrow('VITE_API_BASE_URL must be a string');
  });
});
