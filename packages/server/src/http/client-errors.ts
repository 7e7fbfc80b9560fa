import type { Socket } from 'node:net';
import type { ErrorCode } from '@esimkit/contract';
import { errorBody } from './envelope.js';

// Requests Node's HTTP parser cannot hand to fastify at all: a request line or headers past
// the size limit, bytes that are not HTTP (a raw non-ASCII path), a body that stops short of
// its Content-Length. Partners' clients read every answer as the envelope, so these get one
// too: HTTP 200, as every other answer of the API, and `Connection: close`, since the
// connection's framing is lost and it cannot carry another request.

export interface ClientErrorAnswer {
  errorCode: ErrorCode;
  message: string;
}

/** The envelope's code and message for a connection-level error of Node's parser. */
export function clientErrorAnswer(code: string | undefined, requestTimeoutMs: number): ClientErrorAnswer {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { errorCode: '000104', message: `Request in invalid JSON format: the request did not arrive whole within ${requestTimeoutMs / 1000} s (a body shorter than its Content-Length?).` };
    case 'HPE_HEADER_OVERFLOW':
      return { errorCode: '000102', message: 'Wrong request header format: the request line and headers are larger than this server reads (16 KB).' };
    case 'HPE_INVALID_URL':
      return { errorCode: '000103', message: 'This request path or method is not supported: the path is not a valid URL.' };
    case 'HPE_INVALID_METHOD':
      return { errorCode: '000103', message: 'This request path or method is not supported.' };
    default:
      return { errorCode: '000102', message: 'Wrong request header format: the request could not be read as HTTP.' };
  }
}

/** fastify's clientErrorHandler: answers in the envelope, then closes the connection. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket, requestTimeoutMs: number): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { errorCode, message } = clientErrorAnswer(error.code, requestTimeoutMs);
  const body = errorBody(errorCode, message);
  const answer = `HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  // Sent, then the connection is closed once the bytes are out.
  if (socket.writable) socket.end(answer, () => socket.destroy());
  else socket.destroy();
}
