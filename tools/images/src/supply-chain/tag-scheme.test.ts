import { attachmentTag, parseAttachmentTag, parseRepository } from './tag-scheme';

const hex = 'c0ffee'.padEnd(64, '0');

describe('the attachment tags', () => {
  it.each([
    ['sig', `sha256-${hex}.sig`],
    ['att', `sha256-${hex}.att`],
    ['sbom', `sha256-${hex}.sbom`],
  ] as const)('%s lives at sha256-<hex>.%s', (kind, tag) => {
    expect(attachmentTag(`sha256:${hex}`, kind)).toBe(tag);
    expect(parseAttachmentTag(tag)).toEqual({ digest: `sha256:${hex}`, kind });
  });

  it('refuses what is not a sha256 digest, and parses no other tag', () => {
    expect(() => attachmentTag('sha512:abc', 'sig')).toThrow(/not a sha256 manifest digest/);
    expect(() => attachmentTag(`sha256:${hex.toUpperCase()}`, 'sig')).toThrow(/not a sha256 manifest digest/);
    expect(parseAttachmentTag('main')).toBeUndefined();
    expect(parseAttachmentTag(`sha256-${hex}.zip`)).toBeUndefined();
  });
});

describe('parseRepository', () => {
  it.each([
    ['127.0.0.1:5000/ns/slipway-api', { host: '127.0.0.1:5000', path: 'ns/slipway-api' }],
    ['rg.fr-par.scw.cloud/slipway/slipway-web', { host: 'rg.fr-par.scw.cloud', path: 'slipway/slipway-web' }],
    ['localhost/x', { host: 'localhost', path: 'x' }],
  ])('%s', (image, want) => expect(parseRepository(image)).toEqual(want));

  it.each(['slipway-api', 'library/alpine', '127.0.0.1:5000/NS/x', '127.0.0.1:5000/'])('%s is refused', (image) => {
    expect(() => parseRepository(image)).toThrow();
  });
});
