import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { baseImages, finalBase, fromLines } from './dockerfile';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';

// Dockerfiles that trip a naive reader; each line says what it checks.
const TRICKY = [
  "ARG V=1.2\nARG OS='alpine' BUSYBOX=glibc=1\nARG TAG\n# FROM nope",
  'FROM --platform=$BUILDPLATFORM img:${V}-$OS AS Build', // both ARG forms, --platform, a stage alias in capitals
  'FROM build AS again', // an earlier stage, named in other case: not a base
  'FROM $OSX:${V}', // $OSX is not $OS: stays as written
  'FROM busybox:$BUSYBOX', // a default holding '='
  'FROM alpine:$TAG', // an ARG without a default stays unresolved
  'FROM scratch AS empty',
  'FROM later', // a stage defined after this line is an image of that name
  'FROM \\\n  node:24 AS later',
  'ARG V=9\nFROM golang:$V-alpine', // ARGs after the first FROM do not apply to FROM
].join('\n');

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
    expect(finalBase('FROM alpine:3 AS Base\nFROM BASE AS next\nFROM next\n')).toBe('alpine:3');
  });

  it('keeps quotes, "=", unknown and default-less arguments, stage case and stage order straight', () => {
    expect(fromLines(TRICKY).map((f) => [f.image, f.stage])).toEqual([
      ['img:1.2-alpine', 'build'],
      ['build', 'again'],
      ['$OSX:1.2', undefined],
      ['busybox:glibc=1', undefined],
      ['alpine:$TAG', undefined],
      ['scratch', 'empty'],
      ['later', undefined],
      ['node:24', 'later'],
      ['golang:1.2-alpine', undefined],
    ]);
    expect(baseImages(TRICKY)).toEqual(['img:1.2-alpine', '$OSX:1.2', 'busybox:glibc=1', 'alpine:$TAG', 'later', 'node:24', 'golang:1.2-alpine']);
    expect(fromLines('ARG TAG\nFROM alpine:$TAG', { TAG: '3' })[0]?.image).toBe('alpine:3');
  });
});

// tools/image-harness/up.sh seeds a stand-in for each base image this CLI prints: it must run
// this parser (under plain Node, with no build step) and so agree with it on every Dockerfile.
describe('the image harness lists base images with this parser', () => {
  const cli = join(workspaceRoot, 'tools/image-harness/lib/base-images.mts');
  const run = (files: string[]) => execFileSync(process.execPath, [cli, ...files], { encoding: 'utf8' });

  it('on every Dockerfile in the repository', () => {
    const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: workspaceRoot, encoding: 'utf8' });
    const files = listed
      .split('\n')
      .filter((f) => /^(Dockerfile(\..+)?|.+\.Dockerfile)$/.test(basename(f)) && !f.endsWith('.dockerignore'))
      .map((f) => join(workspaceRoot, f));
    expect(files.map((f) => basename(f))).toContain('Dockerfile.multi-stage');
    const want = [...new Set(files.flatMap((f) => baseImages(readFileSync(f, 'utf8'))))];
    expect(want).toEqual(expect.arrayContaining(['node:24.6.0-alpine3.22', 'golang:1.25-alpine', 'alpine:3.22.1']));
    expect(run(files)).toBe(want.map((i) => `${i}\n`).join(''));
  });

  it('on the tricky cases, and fails on a file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'base-images-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), TRICKY);
      writeFileSync(join(dir, 'Dockerfile.again'), 'FROM node:24\nFROM alpine:3');
      expect(run([join(dir, 'Dockerfile'), join(dir, 'Dockerfile.again')])).toBe(
        [...baseImages(TRICKY), 'alpine:3'].map((i) => `${i}\n`).join(''),
      );
      expect(() => execFileSync(process.execPath, [cli, join(dir, 'missing')], { stdio: 'pipe' })).toThrow(/base-images: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
