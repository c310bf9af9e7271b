/**
 * multipart/form-data request bodies (REST actions with `http.body: multipart`): bytes become file parts
 * named after their field, strings go as they are, every other value as its JSON text (objects, numbers,
 * booleans; int64 lossless). The platform's own FormData serializer (`Response`) encodes the form, so the
 * boundary and the Content-Type that names it come from one place, for undici and any `fetch` alike.
 */
import { stringifyJson } from './json.js';

/** A `Blob`, or anything shaped like one (the generated `BlobLike`). */
interface BlobLike {
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

function isBlobLike(value: unknown): value is BlobLike {
  return typeof value === 'object' && value !== null && typeof (value as Blob).arrayBuffer === 'function' && typeof (value as Blob).size === 'number';
}

async function formData(fields: Record<string, unknown>): Promise<FormData> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Uint8Array) form.append(name, new Blob([value]), name);
    else if (value instanceof Blob) form.append(name, value, name);
    else if (isBlobLike(value)) form.append(name, new Blob([await value.arrayBuffer()], { type: value.type }), name);
    else form.append(name, typeof value === 'string' ? value : stringifyJson(value));
  }
  return form;
}

/** The encoded body and its Content-Type (with the boundary). */
export async function encodeMultipart(fields: Record<string, unknown>): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string }> {
  const encoded = new Response(await formData(fields));
  return { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}
