/**
 * Hostile inputs through `loadSettings`: each is refused with a located, human-readable error
 * within 2 s, never a crash, and none pollutes Object.prototype.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { HELLO, IMAGE, load, refused } from './support.ts';

const CALLER = 'serviceAccount:caller@demo-project.iam.gserviceaccount.com';

/** The example policy with its one invoker replaced by `member` (YAML double-quoted). */
function withInvoker(member: string): string {
  const policy = HELLO.replace(`      - ${CALLER}`, `      - ${JSON.stringify(member)}`);
  assert.notEqual(policy, HELLO);
  return policy;
}

/** The example policy with `text` inserted as the first service's extra lines. */
function inService(text: string): string {
  const policy = HELLO.replace('    port: 8080\n', `    port: 8080\n${text}`);
  assert.notEqual(policy, HELLO);
  return policy;
}

describe('resource exhaustion', () => {
  test('a billion-laughs alias bomb is refused by its alias count', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const bomb = `${HELLO}x-bomb:\n${levels.map((line) => `  ${line}`).join('\n')}\n`;
    const { text } = refused({ image: IMAGE }, bomb);
    assert.match(text, /alias/i);
  });

  test('an alias bomb hidden under a known key is refused too', () => {
    const policy = inService(
      '    x: &x [a, a, a, a, a, a, a, a, a, a]\n' +
        '    y: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n' +
        '    z: &z [*y, *y, *y, *y, *y, *y, *y, *y, *y, *y]\n' +
        '    w: [*z, *z, *z, *z, *z, *z, *z, *z, *z, *z]\n',
    );
    refused({ image: IMAGE }, policy);
  });

  test('a 10 MB policy is refused by its size, not parsed', () => {
    const huge = `${HELLO}# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const { text } = refused({ image: IMAGE }, huge);
    assert.match(text, /too large|KiB|bytes|size/i);
  });

  for (const [name, nested] of [
    ['flow maps', `${'{a: '.repeat(1000)}1${'}'.repeat(1000)}`],
    ['flow lists', `${'['.repeat(1000)}1${']'.repeat(1000)}`],
  ] as const) {
    test(`1,000-deep ${name} are refused by depth, without a stack overflow`, () => {
      const { text } = refused({ image: IMAGE }, inService(`    labels: ${nested}\n`));
      assert.match(text, /deep|nest|depth/i);
    });
  }

  test('1,000-deep block nesting needs 500 KB of indentation: refused by size', () => {
    const lines = Array.from({ length: 1000 }, (_, depth) => `${' '.repeat(depth)}a:`);
    const { text } = refused(
      { image: IMAGE },
      `${HELLO}x-deep:\n${lines.map((line) => ` ${line}`).join('\n')} 1\n`,
    );
    assert.match(text, /bytes, more than the limit/);
  });

  test('a 100,000-item service list is answered within the limit, its problems capped', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `s${i}`).join(',');
    const { error } = refused({ image: IMAGE, service: names }, HELLO);
    assert.match(error.problems[0]?.message ?? '', /^input 'service': 's0' is not declared in the policy/);
    assert.ok(error.problems.length < 100, `${error.problems.length} problems`);
  });

  test('a 100,000-item list repeating one name is refused as a repeat', () => {
    const { text } = refused({ image: IMAGE, service: Array(100_000).fill('hello').join(',') }, HELLO);
    assert.match(text, /lists "hello" twice/);
  });

  test('block nesting past the depth limit, within the size limit, is refused by depth', () => {
    const lines = Array.from({ length: 60 }, (_, depth) => `${'  '.repeat(depth + 3)}a:`);
    const { text } = refused({ image: IMAGE }, inService(`    labels:\n${lines.join('\n')} 1\n`));
    assert.match(text, /deep|nest|depth/i);
  });
});

describe('prototype pollution', () => {
  afterEach(() => {
    for (const key of ['polluted', 'isAdmin', 'toString2']) {
      assert.equal(Object.hasOwn(Object.prototype, key), false, `Object.prototype.${key} was set`);
      assert.equal(key in {}, false);
    }
    assert.equal(typeof Object.prototype.toString, 'function');
  });

  const cases: Record<string, string> = {
    'top-level __proto__': `${HELLO}__proto__: {polluted: yes}\n`,
    'top-level constructor.prototype': `${HELLO}constructor: {prototype: {polluted: yes}}\n`,
    'service __proto__': inService('    __proto__: {isAdmin: true}\n'),
    'deployer prototype': HELLO.replace('deployer:\n', 'deployer:\n  prototype: {polluted: 1}\n'),
    'merge key carrying __proto__': inService('    <<: {__proto__: {polluted: yes}}\n'),
    'quoted "__proto__" in labels': inService('    labels2: {"__proto__": {"polluted": "yes"}}\n'),
  };
  for (const [name, policy] of Object.entries(cases)) {
    test(`${name} is refused as an unknown key, and pollutes nothing`, () => {
      refused({ image: IMAGE }, policy);
    });
  }

  for (const service of ['constructor', 'hello, constructor', '__proto__', 'hello,__proto__']) {
    test(`service: ${service} selects no inherited property as a service`, () => {
      const { text } = refused({ image: IMAGE, service }, HELLO);
      assert.match(text, /is not declared in the policy|is not a valid Cloud Run service name/);
    });
  }

  for (const key of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty']) {
    test(`env and labels named ${key} are refused or kept as plain data`, () => {
      const policy = inService(`    labels2: {}\n`)
        .replace('    labels2: {}\n', '')
        .replace('      LOG_LEVEL: info\n', `      LOG_LEVEL: info\n      ${key}: polluted\n`)
        .replace('      team: web\n', `      team: web\n      ${key}: polluted\n`);
      let settings: ReturnType<typeof load> | undefined;
      try {
        settings = load({ image: IMAGE }, policy);
      } catch {
        refused({ image: IMAGE }, policy);
        return;
      }
      // Accepted: then the key must be kept as data, not swallowed by the object model.
      const service = settings.targets[0]?.service;
      assert.ok(service !== undefined);
      const env = service.env as Readonly<Record<string, string>> | undefined;
      const labels = service.labels as Readonly<Record<string, string>> | undefined;
      assert.equal(
        env !== undefined && Object.hasOwn(env, key) ? env[key] : undefined,
        'polluted',
        'env key lost',
      );
      assert.equal(
        labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined,
        'polluted',
        'label key lost',
      );
    });
  }
});

describe('control characters and line breaks', () => {
  const inputs: Record<string, Record<string, string>> = {
    'an image with a workflow command after a newline': { image: `${IMAGE}\n::add-mask::x` },
    'an image with a carriage return': { image: `${IMAGE}\r::warning::x` },
    'a service name with NUL': { image: IMAGE, service: 'hel\u0000lo' },
    'a region with CRLF and a command': { image: IMAGE, region: 'us-central1\r\n::error::pwned' },
    'a service account with an escape sequence': {
      image: IMAGE,
      service_account: 'deployer@demo-project.iam.gserviceaccount.com\u001b[2J',
    },
    'an audience with a newline': { image: IMAGE, audience: 'https://iam.googleapis.com/x\nevil' },
    'a token lifetime with a NUL': { image: IMAGE, token_lifetime: '10m\u0000' },
    'a mode with a vertical tab': { image: IMAGE, mode: 'deploy\u000bplan' },
    'a tag with a newline and a command': { image: IMAGE, traffic: 'none', tag: 'pr-1\n::error::x' },
    'a promote_to tag with CRLF': { promote_to: 'tag:pr-1\r\n::warning::x' },
    'a rollback_to full name with a newline in the project': {
      rollback_to: 'projects/demo\n::error::x/locations/us-central1/services/hello/revisions/hello-1',
    },
    'a health-check path with a newline': {
      image: IMAGE,
      canary_steps: '100',
      health_check_path: '/healthz\n::error::x',
    },
    'canary steps with a NUL': { image: IMAGE, canary_steps: '5,\u0000100' },
    'a success ratio with a zero-width space': { image: IMAGE, health_check_success_ratio: '0.9\u200b' },
  };
  for (const [name, values] of Object.entries(inputs)) {
    test(`input: ${name} is refused at the input`, () => {
      const { error } = refused(values, HELLO);
      const named = Object.keys(values).filter((input) => values[input] !== IMAGE || input !== 'image');
      assert.ok(
        error.problems.some(
          (problem) => problem.place?.kind === 'input' && named.includes(problem.place.name),
        ),
        error.message,
      );
    });
  }

  const policies: Record<string, string> = {
    'a service name with an escape': HELLO.replace('  - name: hello', '  - name: "hel\\elo"'),
    'a region with a newline': HELLO.replace(
      'regions: [us-central1]',
      'regions: ["us-central1\\n::error::x"]',
    ),
    'an invoker with a newline': withInvoker(`${CALLER}\n::warning::x`),
    'an invoker with NUL': withInvoker(`${CALLER}\u0000`),
    'a canary health-check path with a newline': inService(
      '    canary: { steps: [100], health_check: { path: "/ok\\n::error::x" } }\n',
    ),
    'a canary step as a huge number': inService('    canary: { steps: [1e400] }\n'),
    'an image repository with a tab': HELLO.replace(
      'image_repository: us-docker.pkg.dev/demo-project/apps/hello',
      'image_repository: "us-docker.pkg.dev/demo-project/apps/hello\\t"',
    ),
  };
  for (const [name, policy] of Object.entries(policies)) {
    test(`policy: ${name} is refused at its line`, () => {
      const { error } = refused({ image: IMAGE }, policy);
      assert.ok(error.problems.some((problem) => problem.place?.kind === 'file'));
    });
  }
});

describe('Unicode look-alikes in identities', () => {
  const members: Record<string, string> = {
    'Cyrillic а in the account name': 'serviceAccount:cаller@demo-project.iam.gserviceaccount.com',
    'Cyrillic е in the domain': 'user:owner@acme.еxample',
    'a fullwidth at sign': 'serviceAccount:caller＠demo-project.iam.gserviceaccount.com',
    'a zero-width space': 'serviceAccount:cal\u200bler@demo-project.iam.gserviceaccount.com',
    'a right-to-left override': 'user:\u202eelpmaxe.emca@renwo',
    'Greek ο in a group': 'group:devs@acme.exαmple',
  };
  for (const [name, member] of Object.entries(members)) {
    test(`an invoker with ${name} is refused, naming the character`, () => {
      const { text } = refused({ image: IMAGE }, withInvoker(member));
      assert.match(text, /U\+[0-9A-F]{4}|non-ASCII|ASCII/i);
    });
  }

  test('a look-alike deployer service account input is refused', () => {
    const { error } = refused(
      { image: IMAGE, service_account: 'dеployer@demo-project.iam.gserviceaccount.com' },
      undefined,
    );
    assert.ok(
      error.problems.some(
        (problem) => problem.place?.kind === 'input' && problem.place.name === 'service_account',
      ),
    );
  });
});

describe('images outside the allowed repository', () => {
  const images = {
    'another project': 'us-docker.pkg.dev/evil-project/apps/hello:v1',
    'a sibling repository sharing the prefix': 'us-docker.pkg.dev/demo-project/apps/hello-evil:v1',
    'a host that only starts like the registry': 'us-docker.pkg.dev.evil.example/demo-project/apps/hello:v1',
    'a path climbing out with ..': 'us-docker.pkg.dev/demo-project/apps/hello/../../evil/x:v1',
    'Docker Hub': 'docker.io/library/hello:v1',
    'a userinfo trick': 'us-docker.pkg.dev@evil.example/demo-project/apps/hello:v1',
  };
  for (const [name, image] of Object.entries(images)) {
    test(`an image from ${name} is refused`, () => {
      const { text } = refused({ image }, HELLO);
      assert.match(text, /image/i);
    });
  }

  test('the allowed repository itself, by tag and by digest, loads', () => {
    assert.equal(load({ image: IMAGE }, HELLO).image, IMAGE);
    const pinned = `us-docker.pkg.dev/demo-project/apps/hello@sha256:${'a'.repeat(64)}`;
    assert.equal(load({ image: pinned }, HELLO).image, pinned);
  });
});
