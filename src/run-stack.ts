/**
 * Everything the run loads once the token exchange is under way: the Cloud Run client and the
 * planning and apply code built on it. One entry, so the bundle makes it one chunk: each lazily
 * imported module would otherwise carry its own copy of the modules they share.
 */
export { applyTarget } from './apply/apply-target.ts';
export { readPolicyAlongside, readService } from './apply/read-target.ts';
export { createRunApi } from './apply/run-api.ts';
export { planTarget } from './plan/plan-target.ts';
