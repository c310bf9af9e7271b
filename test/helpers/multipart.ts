/**
 * Server side of multipart/form-data in tests: parses a recorded request body with the WHATWG
 * `Response.formData()` parser Node ships (undici), independent of how the client built the body.
 */

export interface FormPart {
  /** Text field value, or undefined for a file part. */
  text?: string;
  /** File part: its bytes, file name and media type. */
  bytes?: Uint8Array;
  filename?: string;
  type?: string;
}

export async function parseMultipart(body: Uint8Array, contentType: string): Promise<Map<string, FormPart>> {
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const parts = new Map<string, FormPart>();
  for (const [name, value] of form.entries()) {
    if (parts.has(name)) throw new Error(`field ${name} appears twice`);
    if (typeof value === 'string') parts.set(name, { text: value });
    else parts.set(name, { bytes: new Uint8Array(await value.arrayBuffer()), filename: value.name, type: value.type });
  }
  return parts;
}
