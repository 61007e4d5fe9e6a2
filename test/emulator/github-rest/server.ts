/**
 * A strict fake of the few GitHub REST endpoints the pull-request comment uses: list, create and
 * update issue comments. It answers like api.github.com does: 401 without valid credentials on
 * writes, 404 for what the token cannot see (private repositories hide themselves), 403
 * "Resource not accessible by integration" for a read-only workflow token, 422 for invalid
 * bodies, and paginated lists with a `Link` header.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** GitHub's own cap on a comment body, in characters. */
export const MAX_COMMENT_BODY = 65_536;
const DOCS = 'https://docs.github.com/rest/issues/comments';

export type Access = 'read' | 'write';

/** What a token may do, as a workflow's `permissions:` block grants it. */
export interface TokenGrant {
  /** `owner/name` of the only repository the token reaches (a GITHUB_TOKEN is repository-scoped). */
  readonly repository: string;
  readonly issues?: Access;
  readonly pullRequests?: Access;
  /** Who the comments it writes are by; the workflow token writes as the Actions bot. */
  readonly login?: string;
}

export interface RepositoryState {
  /** `owner/name`. */
  readonly repository: string;
  readonly pullRequests: readonly number[];
  readonly issues?: readonly number[];
}

export interface Comment {
  readonly id: number;
  readonly repository: string;
  readonly issue: number;
  body: string;
  readonly login: string;
  readonly createdAt: string;
  updatedAt: string;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Whether an Authorization header came (its value is never kept). */
  readonly authenticated: boolean;
}

export interface GitHubRest {
  /** Base URL, what `GITHUB_API_URL` holds on a runner. */
  readonly url: string;
  /** Mints a token with the given grant, shaped like a workflow's `ghs_…` token. */
  issueToken(grant: TokenGrant): string;
  /** The comments of one issue or pull request, oldest first. */
  comments(repository: string, issue: number): readonly Comment[];
  /** Adds a comment as someone else (e.g. a reviewer), as if written on github.com. */
  addComment(repository: string, issue: number, body: string, login: string): Comment;
  readonly requests: readonly LoggedRequest[];
  /** Every token minted, so tests can check that none leaked. */
  readonly tokens: readonly string[];
  close(): Promise<void>;
}

export interface GitHubRestOptions {
  readonly repositories: readonly RepositoryState[];
  /** Time source for created_at/updated_at; the real clock by default. */
  readonly now?: () => number;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

class HttpError extends Error {
  readonly status: number;
  readonly extra: Readonly<Record<string, unknown>>;
  constructor(status: number, message: string, extra: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

const notFound = () => new HttpError(404, 'Not Found');

export async function startGitHubRest(options: GitHubRestOptions): Promise<GitHubRest> {
  const now = options.now ?? (() => Date.now());
  const repositories = new Map(options.repositories.map((repo) => [repo.repository.toLowerCase(), repo]));
  const grants = new Map<string, TokenGrant>();
  const comments: Comment[] = [];
  const requests: LoggedRequest[] = [];
  let nextId = 1_000_000_001;
  let baseUrl = '';

  const add = (repository: string, issue: number, body: string, login: string): Comment => {
    const time = new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const comment = { id: nextId++, repository, issue, body, login, createdAt: time, updatedAt: time };
    comments.push(comment);
    return comment;
  };

  const render = (comment: Comment) => {
    const api = `${baseUrl}/repos/${comment.repository}`;
    const kind = repositories.get(comment.repository.toLowerCase())?.pullRequests.includes(comment.issue)
      ? 'pull'
      : 'issues';
    return {
      id: comment.id,
      node_id: `IC_kwDO${Buffer.from(String(comment.id)).toString('base64url')}`,
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${comment.repository}/${kind}/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${api}/issues/${comment.issue}`,
      body: comment.body,
      user: {
        login: comment.login,
        type: comment.login.endsWith('[bot]') ? 'Bot' : 'User',
      },
      author_association: 'NONE',
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
    };
  };

  /** The caller's grant: `undefined` when anonymous; 401 for a token GitHub does not know. */
  const caller = (request: IncomingMessage): TokenGrant | undefined => {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    const grant = match?.[1] === undefined ? undefined : grants.get(match[1]);
    if (grant === undefined) throw new HttpError(401, 'Bad credentials');
    return grant;
  };

  /** The repository as `grant` sees it: private repositories are 404 to everyone else. */
  const visibleRepository = (owner: string, name: string, grant: TokenGrant | undefined, write: boolean) => {
    const full = `${owner}/${name}`.toLowerCase();
    const repo = repositories.get(full);
    if (grant === undefined) {
      if (write) throw new HttpError(401, 'Requires authentication');
      throw notFound();
    }
    if (repo === undefined || grant.repository.toLowerCase() !== full) throw notFound();
    return repo;
  };

  const authorize = (grant: TokenGrant | undefined, isPull: boolean, write: boolean): void => {
    const needed: Access = write ? 'write' : 'read';
    const held = [grant?.issues, ...(isPull ? [grant?.pullRequests] : [])];
    const allowed = held.some((access) => access === 'write' || access === needed);
    if (!allowed) throw new HttpError(403, 'Resource not accessible by integration');
  };

  const issueOf = (repo: RepositoryState, raw: string | undefined): { number: number; isPull: boolean } => {
    const number = Number(raw);
    if (!/^[1-9]\d*$/.test(raw ?? '')) throw notFound();
    if (repo.pullRequests.includes(number)) return { number, isPull: true };
    if (repo.issues?.includes(number)) return { number, isPull: false };
    throw notFound();
  };

  const bodyOf = (raw: string): string => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'Problems parsing JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new HttpError(400, 'Problems parsing JSON');
    }
    const body: unknown = (parsed as Record<string, unknown>).body;
    if (body === undefined) throw new HttpError(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
    if (typeof body !== 'string') {
      throw new HttpError(
        422,
        `Invalid request.\n\nFor 'properties/body', ${JSON.stringify(body)} is not a string.`,
      );
    }
    const problem =
      body.trim() === ''
        ? { code: 'missing_field', message: "body can't be blank" }
        : body.length > MAX_COMMENT_BODY
          ? { code: 'custom', message: `Body is too long (maximum is ${MAX_COMMENT_BODY} characters)` }
          : undefined;
    if (problem !== undefined) {
      throw new HttpError(422, 'Validation Failed', {
        errors: [{ resource: 'IssueComment', field: 'body', ...problem }],
      });
    }
    return body;
  };

  const list = (url: URL, repo: RepositoryState, issue: number): Reply => {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? '30') || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
    const all = comments.filter((c) => c.repository === repo.repository && c.issue === issue);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(`${baseUrl}${url.pathname}`);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(n));
      return `<${target.href}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage).map(render),
      ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
    };
  };

  const route = (request: IncomingMessage, url: URL, raw: string): Reply => {
    const method = request.method ?? 'GET';
    const grant = caller(request);
    const issuePath = /^\/repos\/([^/]+)\/([^/]+)\/issues\/([^/]+)\/comments$/.exec(url.pathname);
    if (issuePath !== null && (method === 'GET' || method === 'POST')) {
      const [, owner = '', name = '', number] = issuePath;
      const write = method === 'POST';
      const repo = visibleRepository(owner, name, grant, write);
      const issue = issueOf(repo, number);
      authorize(grant, issue.isPull, write);
      if (!write) return list(url, repo, issue.number);
      const body = bodyOf(raw);
      const comment = add(repo.repository, issue.number, body, grant?.login ?? 'github-actions[bot]');
      return { status: 201, body: render(comment), headers: { location: render(comment).url } };
    }
    const commentPath = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/([^/]+)$/.exec(url.pathname);
    if (commentPath !== null && method === 'PATCH') {
      const [, owner = '', name = '', id] = commentPath;
      const repo = visibleRepository(owner, name, grant, true);
      const comment = comments.find((c) => String(c.id) === id && c.repository === repo.repository);
      if (comment === undefined) throw notFound();
      authorize(grant, repo.pullRequests.includes(comment.issue), true);
      comment.body = bodyOf(raw);
      comment.updatedAt = new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { status: 200, body: render(comment) };
    }
    throw notFound();
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://github.invalid');
      let reply: Reply;
      try {
        reply = route(request, url, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        // Anything but an HttpError is a bug of this fake: say so rather than crash the test run.
        const failure =
          error instanceof HttpError ? error : new HttpError(500, `Emulator bug: ${String(error)}`);
        reply = {
          status: failure.status,
          body: {
            message: failure.message,
            ...failure.extra,
            documentation_url: DOCS,
            status: String(failure.status),
          },
        };
      }
      requests.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        status: reply.status,
        authenticated: request.headers.authorization !== undefined,
      });
      send(response, reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  const tokens: string[] = [];

  return {
    url: baseUrl,
    issueToken: (grant) => {
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      grants.set(token, grant);
      tokens.push(token);
      return token;
    },
    comments: (repository, issue) => comments.filter((c) => c.repository === repository && c.issue === issue),
    addComment: add,
    requests,
    tokens,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function send(response: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  });
  response.end(text);
}
