import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeRange,
  formatDuration,
  parseDuration,
  TOKEN_LIFETIME,
} from '../../../src/settings/durations.ts';
import { checkImage, inRepository, isDigestPinned } from '../../../src/settings/image.ts';
import { checkCpu, checkCpuForMemory, checkMemory } from '../../../src/settings/resources.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

test('parseDuration', () => {
  const table: readonly (readonly [string, number | undefined])[] = [
    ['10m', 600],
    ['600s', 600],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1m30s', 90],
    ['0s', 0],
    ['', undefined],
    ['10', undefined],
    ['10 m', undefined],
    ['1d', undefined],
    ['30s1m', undefined],
    ['-5s', undefined],
    ['1.5h', undefined],
  ];
  for (const [text, seconds] of table) assert.equal(parseDuration(text), seconds, text);
});

test('formatDuration and ranges', () => {
  assert.equal(formatDuration(3600), '1h');
  assert.equal(formatDuration(90), '1m30s');
  assert.equal(formatDuration(0), '0s');
  assert.equal(describeRange(TOKEN_LIFETIME), 'from 5m1s to 1h');
});

test('isDigestPinned', () => {
  assert.equal(isDigestPinned(`us-docker.pkg.dev/p/r/hello@${DIGEST}`), true);
  assert.equal(isDigestPinned(`us-docker.pkg.dev/p/r/hello:v1@${DIGEST}`), true);
  assert.equal(isDigestPinned('us-docker.pkg.dev/p/r/hello:v1'), false);
  assert.equal(isDigestPinned('us-docker.pkg.dev/p/r/hello@sha256:abc'), false);
  assert.equal(isDigestPinned(`us-docker.pkg.dev/p/r/hello@${DIGEST.toUpperCase()}`), false);
});

test('checkImage', () => {
  for (const image of [
    'us-docker.pkg.dev/p/r/hello',
    'gcr.io/p/hello:1.2.3',
    `europe-docker.pkg.dev/p/r/a/b_c@${DIGEST}`,
    'localhost:5000/hello:dev',
    'docker.io/library/nginx:1.27',
  ]) {
    assert.equal(checkImage(image), undefined, image);
  }
  for (const image of [
    'nginx',
    'nginx:latest',
    'library/nginx:1',
    'us-docker.pkg.dev/p/r/Hello',
    'us-docker.pkg.dev/p/r/hello:',
    'https://gcr.io/p/hello',
    'us-docker.pkg.dev/p/r/hello:v1 ',
  ]) {
    assert.ok(checkImage(image), image);
  }
});

test('inRepository compares whole path components', () => {
  const repository = 'us-docker.pkg.dev/p/apps/hello';
  assert.equal(inRepository(`${repository}:v1`, repository), true);
  assert.equal(inRepository(`${repository}@${DIGEST}`, repository), true);
  assert.equal(inRepository(`${repository}/sub:v1`, repository), true);
  assert.equal(inRepository(`${repository}-evil:v1`, repository), false);
  assert.equal(inRepository(repository, repository), false);
  assert.equal(inRepository('us-docker.pkg.dev/p/apps/other:v1', repository), false);
});

test('checkCpu, checkMemory, checkCpuForMemory', () => {
  for (const cpu of ['1', '2', '4', '6', '8', '1000m', '8000m'])
    assert.equal(checkCpu(cpu, undefined), undefined, cpu);
  for (const cpu of ['0.5', '500m', '0.08']) assert.equal(checkCpu(cpu, 1), undefined, cpu);
  for (const cpu of ['3', '16', '1500m', '0.05', '0'])
    assert.match(checkCpu(cpu, 1)?.what ?? '', /not a CPU amount/, cpu);
  assert.match(checkCpu('0.5', 80)?.what ?? '', /only with concurrency 1/);
  for (const memory of ['128Mi', '512Mi', '32Gi', '1G']) assert.equal(checkMemory(memory), undefined, memory);
  for (const memory of ['127Mi', '64M', '33Gi']) assert.ok(checkMemory(memory), memory);
  assert.equal(checkCpuForMemory('2', '8Gi'), undefined);
  assert.match(checkCpuForMemory('1', '5Gi')?.what ?? '', /needs at least 2 CPUs/);
  assert.match(checkCpuForMemory('6', '2Gi')?.what ?? '', /needs at least 4Gi/);
  assert.equal(checkCpuForMemory('8', '32Gi'), undefined);
});
