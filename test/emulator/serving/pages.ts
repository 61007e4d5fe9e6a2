/** The HTML pages Google's front end answers Cloud Run requests with when it refuses them. */
import { STATUS_CODES } from 'node:http';

function page(status: string, heading: string, detail: string): string {
  return (
    '<html><head>\n<meta http-equiv="content-type" content="text/html;charset=utf-8">\n' +
    `<title>${status}</title>\n</head>\n<body text=#000000 bgcolor=#ffffff>\n` +
    `<h1>Error: ${heading}</h1>\n<h2>${detail}</h2>\n<h2></h2>\n</body></html>\n`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function forbiddenPage(path: string): string {
  return page(
    '403 Forbidden',
    'Forbidden',
    `Your client does not have permission to get URL <code>${escapeHtml(path)}</code> from this server.`,
  );
}

export function unauthorizedPage(path: string): string {
  return page(
    '401 Unauthorized',
    'Unauthorized',
    `Your client does not have permission to the requested URL <code>${escapeHtml(path)}</code>.`,
  );
}

export function notFoundPage(): string {
  return page('404 Page not found', 'Page not found', 'The requested URL was not found on this server.');
}

export function unavailablePage(): string {
  return page(
    '503 Service Unavailable',
    'Service Unavailable',
    'The service you requested is not available yet. Please try again in 30 seconds.',
  );
}

/** What an unhealthy container itself answers (a typical web framework's error page). */
export function containerErrorPage(status: number): string {
  const reason = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<!DOCTYPE html>\n<html><head><title>${reason}</title></head>\n<body><h1>${reason}</h1></body></html>\n`;
}
