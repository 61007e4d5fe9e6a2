/** Setup → Terraform (hashicorp/google provider resources), references wiring the order (pure). */
import type { Setup } from './types.ts';

/** An HCL string literal: JSON escapes, plus `${` and `%{` kept literal. */
export function hclString(value: string): string {
  // Function replacers: in a replacement string `$$` would collapse to `$`.
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

/** A Terraform resource name from parts: letters, digits and underscores, unique within `taken`. */
function resourceName(taken: Set<string>, ...parts: string[]): string {
  const base = parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(?=[0-9])/, 'r_');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

type Value = { readonly raw: string } | string | readonly string[] | Readonly<Record<string, string>>;

function value(item: Value): string {
  if (typeof item === 'string') return hclString(item);
  if ('raw' in item && typeof item.raw === 'string') return item.raw;
  if (Array.isArray(item)) return `[\n${item.map((entry) => `    ${hclString(entry)},`).join('\n')}\n  ]`;
  const entries = Object.entries(item as Readonly<Record<string, string>>);
  const width = Math.max(...entries.map(([key]) => hclString(key).length));
  return `{\n${entries.map(([key, entry]) => `    ${hclString(key).padEnd(width)} = ${hclString(entry)}`).join('\n')}\n  }`;
}

function block(
  type: string,
  name: string,
  attributes: readonly (readonly [string, Value])[],
  extra = '',
): string {
  const width = Math.max(...attributes.map(([key]) => key.length));
  const body = attributes.map(([key, item]) => `  ${key.padEnd(width)} = ${value(item)}`).join('\n');
  return `resource "${type}" "${name}" {\n${body}${extra}\n}`;
}

const ref = (raw: string): { raw: string } => ({ raw });

export function renderTerraform(setup: Setup): string {
  const taken = new Set<string>();
  const project = setup.project.id;
  const blocks: string[] = [];

  const apis = setup.apis.map((api) => {
    const name = resourceName(taken, api.split('.')[0] ?? api);
    blocks.push(
      block('google_project_service', name, [
        ['project', project],
        ['service', api],
        ['disable_on_destroy', ref('false')],
      ]),
    );
    return `google_project_service.${name}`;
  });
  const dependsOnApis: readonly [string, Value] = ['depends_on', ref(`[${apis.join(', ')}]`)];

  const pool = resourceName(taken, 'pool', setup.pool.id);
  blocks.push(
    block('google_iam_workload_identity_pool', pool, [
      ['project', project],
      ['workload_identity_pool_id', setup.pool.id],
      ['display_name', setup.pool.displayName],
      dependsOnApis,
    ]),
  );
  const { provider } = setup;
  blocks.push(
    block(
      'google_iam_workload_identity_pool_provider',
      resourceName(taken, 'provider', provider.id),
      [
        ['project', project],
        [
          'workload_identity_pool_id',
          ref(`google_iam_workload_identity_pool.${pool}.workload_identity_pool_id`),
        ],
        ['workload_identity_pool_provider_id', provider.id],
        ['display_name', provider.displayName],
        ['attribute_mapping', provider.attributeMapping],
        ['attribute_condition', provider.attributeCondition],
      ],
      `\n  oidc {\n    issuer_uri = ${hclString(provider.issuerUri)}\n  }`,
    ),
  );

  const accounts = new Map<string, string>();
  for (const account of setup.serviceAccounts) {
    const name = resourceName(taken, 'sa', account.accountId);
    accounts.set(account.email, `google_service_account.${name}`);
    blocks.push(
      block('google_service_account', name, [
        ['project', project],
        ['account_id', account.accountId],
        ['display_name', account.displayName],
        dependsOnApis,
      ]),
    );
  }
  const member = (text: string): Value => {
    const email = text.startsWith('serviceAccount:') ? text.slice('serviceAccount:'.length) : undefined;
    const created = email === undefined ? undefined : accounts.get(email);
    return created === undefined ? text : ref(`"serviceAccount:\${${created}.email}"`);
  };

  const roles = new Map<string, string>();
  for (const role of setup.customRoles) {
    const name = resourceName(taken, 'role', role.id);
    roles.set(role.name, `google_project_iam_custom_role.${name}.id`);
    blocks.push(
      block('google_project_iam_custom_role', name, [
        ['project', project],
        ['role_id', role.id],
        ['title', role.title],
        ['description', role.description],
        ['stage', 'GA'],
        ['permissions', role.permissions],
        dependsOnApis,
      ]),
    );
  }

  for (const binding of setup.projectBindings) {
    const role = roles.get(binding.role);
    blocks.push(
      block(
        'google_project_iam_member',
        resourceName(taken, 'grant', binding.role.split('/').pop() ?? '', binding.member.split('@')[0] ?? ''),
        [
          ['project', project],
          ['role', role === undefined ? binding.role : ref(role)],
          ['member', member(binding.member)],
        ],
      ),
    );
  }
  for (const binding of setup.serviceAccountBindings) {
    const created = accounts.get(binding.serviceAccount);
    const own = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(binding.serviceAccount)?.[1] ?? project;
    const principal = binding.member.startsWith('principalSet://')
      ? ref(
          `"principalSet://iam.googleapis.com/\${google_iam_workload_identity_pool.${pool}.name}${hclString(binding.member.slice(binding.member.indexOf('/attribute.'))).slice(1)}`,
        )
      : member(binding.member);
    blocks.push(
      block(
        'google_service_account_iam_member',
        resourceName(
          taken,
          binding.serviceAccount.split('@')[0] ?? '',
          binding.role.split('.').pop() ?? '',
          binding.member.split('/').slice(-2).join('_').split('@')[0] ?? '',
        ),
        [
          [
            'service_account_id',
            created === undefined
              ? `projects/${own}/serviceAccounts/${binding.serviceAccount}`
              : ref(`${created}.name`),
          ],
          ['role', binding.role],
          ['member', principal],
        ],
      ),
    );
  }
  for (const binding of setup.secretBindings) {
    blocks.push(
      block(
        'google_secret_manager_secret_iam_member',
        resourceName(taken, 'secret', binding.secret, binding.member.split('@')[0] ?? ''),
        [
          ['project', binding.project],
          ['secret_id', binding.secret],
          ['role', binding.role],
          ['member', member(binding.member)],
        ],
      ),
    );
  }

  const header = [
    `# Google Cloud set-up for ${setup.policyFile} (generated by \`npm run setup\`; do not edit by hand).`,
    ...setup.notes.map((note) => `# NOTE: ${note}`),
  ].join('\n');
  const providers =
    'terraform {\n  required_providers {\n    google = {\n      source = "hashicorp/google"\n    }\n  }\n}';
  return `${[header, providers, ...blocks].join('\n\n')}\n`;
}
