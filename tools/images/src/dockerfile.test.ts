import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseImages, finalBase, fromLines } from './dockerfile';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';

describe('fromLines', () => {
  it('resolves ARG defaults, platforms and stage names', () => {
    const text = 'ARG V=1.2\nARG OS="alpine"\n# FROM nope\nFROM --platform=$BUILDPLATFORM img:${V}-$OS AS b\nFROM \\\n  --platform=linux/amd64 b\n';
    expect(fromLines(text)).toEqual([
      { image: 'img:1.2-alpine', platform: '$BUILDPLATFORM', stage: 'b' },
      { image: 'b', platform: 'linux/amd64', stage: undefined },
    ]);
    expect(fromLines(text, { V: '9' })[0]?.image).toBe('img:9-alpine');
  });

  it('reads the bases of the project Dockerfiles, as the decision record names them', () => {
    const read = (f: string) => readFileSync(join(workspaceRoot, f), 'utf8');
    expect(baseImages(read('apps/web/Dockerfile'))).toEqual(['node:24.6.0-alpine3.22']);
    expect(finalBase(read('apps/web/Dockerfile'))).toBe('node:24.6.0-alpine3.22');
    expect(baseImages(read('go/Dockerfile.multi-stage'))).toEqual(['golang:1.25-alpine', 'alpine:3.22.1']);
    expect(finalBase(read('go/Dockerfile.multi-stage'))).toBe('alpine:3.22.1');
  });

  it('follows a final stage built on an earlier one, and ignores scratch', () => {
    const text = 'FROM alpine:3 AS base\nFROM scratch AS empty\nFROM base\n';
    expect(finalBase(text)).toBe('alpine:3');
    expect(baseImages(text)).toEqual(['alpine:3']);
  });
});
