import type { FastifyInstance, FastifyRequest } from 'fastify';

// A Content-Type fastify cannot even parse (";", "a/b/c") makes it refuse the request before
// any route runs, so such a header is set aside: the partner API still serves a valid JSON body
// behind it, and the ES2+ endpoint can still tell an invalid Content-Type (2.1) from a missing
// one (2.2).

declare module 'fastify' {
  interface FastifyRequest {
    /** The Content-Type the client sent when it did not parse (it is then removed from headers). */
    unparsableContentType: string | undefined;
  }
}

/** type/subtype, then parameters if any: what a Content-Type must look like for fastify to read it. */
const MEDIA_TYPE = /^\s*[\w!#$&^.+-]+\/[\w!#$&^.+-]+\s*(?:;.*)?$/;

/** Declares the request field once per fastify instance (before any hook sets it). */
export function decorateUnparsableContentType(app: FastifyInstance): void {
  app.decorateRequest('unparsableContentType', undefined);
}

/** Called from an onRequest hook: moves an unparsable Content-Type out of the headers. */
export function setAsideUnparsableContentType(request: FastifyRequest): void {
  const type = request.headers['content-type'];
  if (type !== undefined && !MEDIA_TYPE.test(type)) {
    request.unparsableContentType = type;
    delete request.headers['content-type'];
  }
}
