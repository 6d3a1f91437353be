export type Encoding = 'br' | 'gzip';

/** Server preference order: brotli is smaller for text, gzip is understood everywhere. */
const PREFERENCE: readonly Encoding[] = ['br', 'gzip'];

/**
 * Picks the content coding for an `Accept-Encoding` header (RFC 9110 §12.5.3), honouring
 * q-values (`q=0` forbids) and `*`. Returns undefined for identity.
 */
export function negotiateEncoding(header: string | undefined): Encoding | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [codingPart, ...params] = item.split(';');
    const coding = codingPart?.trim().toLowerCase();
    if (!coding) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim());
      if (key?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    // `x-gzip` is the same coding under its historical name.
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, q);
  }
  const wildcard = weights.get('*');
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const encoding of PREFERENCE) {
    const q = weights.get(encoding) ?? wildcard ?? 0;
    if (q > bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
}
