import { addedLayers, reduction } from './sizes';

const base = ['0\tCMD ["/bin/sh"]', '0\tLABEL org.opencontainers.image.description=Slipway offline stand-in', '2217609\tADD base.tar / # buildkit'].join('\n');

describe('addedLayers', () => {
  it('keeps the non-empty rows above the base', () => {
    const image = ['0\tENTRYPOINT ["/usr/local/bin/service"]', '0\tCOPY --chown=65532:65532 /out/data /app/data', '10465464\tCOPY /out/service /usr/local/bin/service # buildkit', '0\tARG SERVICE=api', base].join('\n');
    expect(addedLayers(image, base)).toEqual([{ bytes: 10_465_464, createdBy: 'COPY /out/service /usr/local/bin/service # buildkit' }]);
  });

  it('is empty for the base itself', () => {
    expect(addedLayers(base, base)).toEqual([]);
  });

  it('refuses a base with more history than the image', () => {
    expect(() => addedLayers('0\tCMD x', base)).toThrow('wrong base');
  });
});

describe('reduction', () => {
  it('is the percent saved, one decimal', () => {
    expect(reduction(150, 500)).toBe(70);
    expect(reduction(12_700_000, 788_000_000)).toBe(98.4);
  });
});
