import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceUrls } from '../apis/run/render.ts';
import type { Faults } from '../core/faults.ts';
import { applyFault } from '../core/listener.ts';
import type { InvokeAnswer, InvokeRequest } from './invoke.ts';

/** Answers one request that reached a service or tag URL. */
export type ServingHandler = (request: InvokeRequest) => Promise<InvokeAnswer>;

interface Bound {
  readonly server: Server;
  readonly url: string;
}

/**
 * One loopback listener per Cloud Run service and one per traffic tag, so each has its own
 * origin (the service `uri`, the tag `uri`s, and the audience of ID tokens for it). Listeners
 * are reserved before the API assigns URLs, and closed when the service is deleted.
 */
export class ServingListeners implements ServiceUrls {
  readonly #handler: ServingHandler;
  readonly #faults: Faults | undefined;
  readonly #bound = new Map<string, Bound>();

  /** `faults`: consulted before every request, by method and path (its specs leave `api` out). */
  constructor(handler: ServingHandler, faults?: Faults) {
    this.#handler = handler;
    this.#faults = faults;
  }

  /** Starts the listeners a service and its tags need (idempotent). */
  async reserve(key: string, tags: readonly string[]): Promise<void> {
    await Promise.all([this.#bind(key, undefined), ...tags.map((tag) => this.#bind(key, tag))]);
  }

  serviceUrl(key: string): string {
    return this.#url(slot(key, undefined));
  }

  tagUrl(key: string, tag: string): string {
    return this.#url(slot(key, tag));
  }

  /** Closes the listeners of a deleted service. */
  async release(key: string): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [name, bound] of this.#bound) {
      if (name === key || name.startsWith(`${key}#`)) {
        this.#bound.delete(name);
        closing.push(close(bound.server));
      }
    }
    await Promise.all(closing);
  }

  async closeAll(): Promise<void> {
    const all = [...this.#bound.values()];
    this.#bound.clear();
    await Promise.all(all.map((bound) => close(bound.server)));
  }

  #url(name: string): string {
    const bound = this.#bound.get(name);
    if (bound === undefined) throw new Error(`Emulator bug: no serving listener reserved for ${name}.`);
    return bound.url;
  }

  async #bind(key: string, tag: string | undefined): Promise<void> {
    const name = slot(key, tag);
    if (this.#bound.has(name)) return;
    let url = '';
    const server = createServer((request, response) => {
      this.#serve(key, tag, url, request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
        else response.destroy();
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Another reserve() for the same slot may have finished while this one was binding.
    if (this.#bound.has(name)) {
      await close(server);
      return;
    }
    this.#bound.set(name, { server, url });
  }

  async #serve(
    key: string,
    tag: string | undefined,
    url: string,
    request: IncomingMessage,
    response: ServerResponse,
  ) {
    request.resume();
    await new Promise((resolve) => request.once('end', resolve));
    const path = new URL(request.url ?? '/', url).pathname;
    const method = request.method ?? 'GET';
    // The network or the front end failing, as a client of the service sees it.
    const fault = this.#faults?.take('run', method, path);
    if (fault !== undefined && (await applyFault(fault, response)) !== 'continue') return;
    const answer = await this.#handler({
      key,
      tag,
      url,
      method,
      path,
      authorization: request.headers.authorization,
    });
    response.writeHead(answer.status, {
      'content-type': answer.contentType,
      ...(answer.revision === undefined ? {} : { 'x-emulator-revision': answer.revision }),
    });
    response.end(answer.body);
  }
}

function slot(key: string, tag: string | undefined): string {
  return tag === undefined ? key : `${key}#${tag}`;
}

async function close(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
