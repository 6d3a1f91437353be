// A tiny linux/amd64 image uploaded blob by blob, so registry tests need no image build.
import { gzipSync } from 'node:zlib';
import { MEDIA } from './attach';
import { RegistryClient, sha256Digest } from './registry-client';
import { parseRepository } from './tag-scheme';

/** A one-file tar, so each tiny image has its own layer. */
export function tarOf(name: string, content: string): Buffer {
  const header = Buffer.alloc(512);
  const body = Buffer.from(content);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, pad, Buffer.alloc(1024)]);
}

/** Uploads a tiny linux/amd64 image and returns its manifest digest. */
export async function pushTinyImage(image: string, content: string): Promise<string> {
  const client = new RegistryClient(parseRepository(image), {});
  const tar = tarOf('hello.txt', content);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } }));
  await client.putBlob(layer);
  await client.putBlob(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Digest(layer), size: layer.length }],
    }),
  );
  return client.putManifest(`upload-${sha256Digest(manifest).slice(7, 19)}`, MEDIA.manifest, manifest);
}
