import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody } from './body.ts';
import type { FaultKind, Faults } from './faults.ts';
import { GoogleError } from './google-error.ts';
import type { RequestLog } from './request-log.ts';
import type { Router } from './router.ts';
import { type ApiName, type Clock, identityLabel, type Reply, type RequestContext } from './types.ts';

export interface ListenerDeps {
  readonly router: Router;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly clock: Clock;
  /** Told about handler bugs (non-Google errors), which are answered as 500 INTERNAL. */
  readonly onError?: (error: unknown) => void;
}

export interface Listener {
  readonly api: ApiName;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts one loopback HTTP listener on an ephemeral port that serves `deps.router`. */
export async function startListener(api: ApiName, deps: ListenerDeps): Promise<Listener> {
  const server = createServer((request, response) => {
    handle(api, deps, request, response).catch((error: unknown) => {
      deps.onError?.(error);
      if (!response.headersSent) send(response, internalError(error));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { api, url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

async function closeServer(server: Server): Promise<void> {
  // Hanging requests (timeout faults) and keep-alive sockets must not hold the close open.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

async function handle(api: ApiName, deps: ListenerDeps, request: IncomingMessage, response: ServerResponse) {
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  const time = new Date(deps.clock.now()).toISOString();
  const rawBody = await readBody(request);
  let caller: RequestContext['caller'];
  const logEntry = (status: number | undefined, body: unknown, fault: string | undefined) =>
    deps.log.push({
      time,
      api,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      caller: caller === undefined ? undefined : identityLabel(caller),
      body,
      status,
      fault,
    });

  const fault = deps.faults.take(api, method, url.pathname);
  if (fault !== undefined) {
    const outcome = await applyFault(fault, response);
    if (outcome !== 'continue') {
      logEntry(
        outcome === 'answered' ? response.statusCode : undefined,
        safeParse(rawBody, request),
        fault.type,
      );
      return;
    }
  }

  let reply: Reply;
  let loggedBody: unknown = rawBody.length === 0 ? undefined : rawBody;
  try {
    const body = parseBody(rawBody, request.headers['content-type']);
    loggedBody = body;
    const match = deps.router.match(method, url.pathname);
    if (match === undefined) {
      throw new GoogleError('NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
    }
    const ctx: RequestContext = {
      api,
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      params: match.params,
      body,
      rawBody,
      caller: undefined,
    };
    try {
      reply = await match.route.handler(ctx);
    } finally {
      caller = ctx.caller;
    }
  } catch (error) {
    reply = error instanceof GoogleError ? errorReply(error) : internalError(error);
    if (!(error instanceof GoogleError)) deps.onError?.(error);
  }
  send(response, reply);
  logEntry(reply.status, loggedBody, fault?.type);
}

/** `continue`: answer as usual (after a latency); `answered` with an error; `dropped` the socket. */
export type FaultOutcome = 'continue' | 'answered' | 'dropped';

/** Carries out a fault on one request (also used by the serving listeners). */
export async function applyFault(fault: FaultKind, response: ServerResponse): Promise<FaultOutcome> {
  switch (fault.type) {
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return 'continue';
    case 'error': {
      const status =
        fault.status === 429 ? 'RESOURCE_EXHAUSTED' : fault.status === 500 ? 'INTERNAL' : 'UNAVAILABLE';
      const message =
        fault.status === 429
          ? 'Quota exceeded for quota metric and limit. Please retry after a while.'
          : fault.status === 500
            ? 'Internal error encountered.'
            : 'The service is currently unavailable.';
      const headers =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      send(response, errorReply(new GoogleError(status, message, [], headers)));
      return 'answered';
    }
    case 'reset':
      response.socket?.destroy();
      return 'dropped';
    case 'timeout':
      // Never answer; the listener's close() destroys the socket.
      return 'dropped';
  }
}

export function errorReply(error: GoogleError): Reply {
  return { status: error.httpStatus, headers: error.headers, body: error.toBody() };
}

function internalError(error: unknown): Reply {
  const detail = error instanceof Error ? error.message : String(error);
  return errorReply(new GoogleError('INTERNAL', `Emulator bug: ${detail}`));
}

function send(response: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  const payload =
    reply.body === undefined ? '' : isText ? String(reply.body) : `${JSON.stringify(reply.body, null, 2)}\n`;
  const headers: Record<string, string> = {
    ...(reply.body === undefined || isText ? {} : { 'content-type': 'application/json; charset=UTF-8' }),
    ...reply.headers,
  };
  response.writeHead(reply.status, headers);
  response.end(payload);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function safeParse(raw: string, request: IncomingMessage): unknown {
  try {
    return parseBody(raw, request.headers['content-type']);
  } catch {
    return raw;
  }
}
