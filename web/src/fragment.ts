/**
 * The view in the URL fragment: the rule and the choices as JSON, deflated (CompressionStream,
 * built into browsers) and base64url-encoded, so a link reproduces the view. The fragment is
 * never sent to a server, and the page sends nothing anywhere.
 */

const PREFIX = 'v1.';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export async function encodeView(view: unknown): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(view));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The view of a fragment (without `#`), or undefined when it is not one. */
export async function decodeView(fragment: string): Promise<unknown> {
  if (!fragment.startsWith(PREFIX)) return undefined;
  try {
    const bytes = await pipe(
      fromBase64Url(fragment.slice(PREFIX.length)),
      new DecompressionStream('deflate-raw'),
    );
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}
