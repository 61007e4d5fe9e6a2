/** Container image references: shape, digest pinning, and membership in an allowed repository. */
import type { Finding } from './identities.ts';
import { show } from './problems.ts';

const HOST = '[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]+)?';
const PATH = '(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const IMAGE = new RegExp(`^(${HOST})${PATH}(?::${TAG})?(?:@${DIGEST})?$`);
const PINNED = new RegExp(`@${DIGEST}$`);

/** Whether the image names one exact build (`…@sha256:<64 hex>`), not a movable tag. */
export function isDigestPinned(image: string): boolean {
  return PINNED.test(image);
}

/** A full image reference with a registry host: `HOST/PATH[:TAG][@sha256:DIGEST]`. */
export function checkImage(image: string): Finding | undefined {
  const match = IMAGE.exec(image);
  const host = match?.[1] ?? '';
  if (match === null || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
    return {
      what: `${show(image)} is not a full container image reference`,
      remedy:
        'Write HOST/PATH:TAG or HOST/PATH@sha256:DIGEST, e.g. us-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG (Docker Hub images as docker.io/library/NAME:TAG).',
    };
  }
  return undefined;
}

/**
 * Whether the image lies in `repository`: the repository itself followed by a tag or digest, or
 * an image below it. A plain prefix test would let `…/hello-evil` pass for `…/hello`.
 */
export function inRepository(image: string, repository: string): boolean {
  const rest = image.startsWith(repository) ? image.slice(repository.length) : undefined;
  return rest !== undefined && (rest.startsWith(':') || rest.startsWith('@') || rest.startsWith('/'));
}
