/**
 * Checks of identity strings a policy or an input names: service account emails and IAM members.
 * Each check returns what is wrong and how to write it instead, or `undefined` when it is valid.
 */

export interface Finding {
  readonly what: string;
  readonly remedy: string;
}

/** Common non-ASCII characters that render like ASCII letters in emails and names. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  α: 'a',
  ο: 'o',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  Ο: 'O',
  Α: 'A',
  ı: 'i',
  ȷ: 'j',
  ɡ: 'g',
  ℓ: 'l',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '−': '-',
  '＠': '@',
  '．': '.',
};

/**
 * The first character outside printable ASCII, named by code point and by the ASCII letter it
 * imitates when it is a known look-alike, so a spoofed email cannot pass as the real one.
 */
export function nonAscii(value: string, noun: string): Finding | undefined {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x21 && code <= 0x7e) continue;
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    if (code === 0x20 || /\s/u.test(char)) {
      return {
        what: `${noun} contains whitespace (${hex})`,
        remedy: `Remove the whitespace from the ${noun}.`,
      };
    }
    const ascii = LOOKALIKES[char] ?? decomposedAscii(char);
    const looks = ascii === undefined ? '' : `, which looks like '${ascii}'`;
    const shown = /\p{L}|\p{N}|\p{P}|\p{S}/u.test(char) ? `'${char}' ` : '';
    return {
      what: `${noun} contains the non-ASCII character ${shown}(${hex})${looks}`,
      remedy: `Retype the ${noun} in plain ASCII; Google identities never contain such characters.`,
    };
  }
  return undefined;
}

/** `é` → `e`, `ｅ` → `e`: the ASCII base of an accented or full-width character, if it has one. */
function decomposedAscii(char: string): string | undefined {
  const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
  return /^[!-~]$/.test(base) ? base : undefined;
}

const LOCAL_PART = /^[A-Za-z0-9._%+'-]+$/;
const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const SERVICE_ACCOUNT =
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*gserviceaccount\.com$/;

function checkEmail(value: string, noun: string): Finding | undefined {
  const odd = nonAscii(value, noun);
  if (odd !== undefined) return odd;
  const at = value.lastIndexOf('@');
  if (at <= 0 || !LOCAL_PART.test(value.slice(0, at)) || !DOMAIN.test(value.slice(at + 1))) {
    return {
      what: `${noun} '${value}' is not an email address`,
      remedy: `Write the ${noun} as NAME@DOMAIN, e.g. alice@example.com.`,
    };
  }
  return undefined;
}

/** A service account email: lowercase `NAME@…gserviceaccount.com`. */
export function checkServiceAccountEmail(value: string, noun = 'service account email'): Finding | undefined {
  const email = checkEmail(value, noun);
  if (email !== undefined) return email;
  if (!SERVICE_ACCOUNT.test(value)) {
    return {
      what: `${noun} '${value}' is not a service account email`,
      remedy: `Write it as NAME@PROJECT_ID.iam.gserviceaccount.com, in lowercase (e.g. deployer@demo-project.iam.gserviceaccount.com).`,
    };
  }
  return undefined;
}

const MEMBER_FORMS =
  'user:EMAIL, serviceAccount:EMAIL, group:EMAIL, domain:DOMAIN, principal://iam.googleapis.com/..., principalSet://iam.googleapis.com/..., allUsers or allAuthenticatedUsers';
const EMAIL_KINDS = ['user', 'serviceAccount', 'group'] as const;

const POOL = '(?:[a-z0-9-]{4,32}|[a-z][a-z0-9-]{4,28}[a-z0-9]\\.svc\\.id\\.goog)';
const WORKLOAD_POOL = `projects/[1-9][0-9]*/locations/global/workloadIdentityPools/${POOL}`;
const WORKFORCE_POOL = 'locations/global/workforcePools/[a-z0-9-]{4,63}';
const PRINCIPAL = new RegExp(
  `^principal://iam\\.googleapis\\.com/(?:${WORKLOAD_POOL}|${WORKFORCE_POOL})/subject/[!-~]+$`,
);
const PRINCIPAL_SET = new RegExp(
  `^principalSet://iam\\.googleapis\\.com/(?:${WORKLOAD_POOL}/(?:namespace/[a-z0-9-]{1,63}|kubernetes\\.cluster/[!-~]+|group/[!-~]+|attribute\\.[a-z_][a-z0-9_]{0,63}/[!-~]+|\\*)|${WORKFORCE_POOL}/(?:group/[!-~]+|attribute\\.[a-z_][a-z0-9_]{0,63}/[!-~]+|\\*))$`,
);

/** An IAM member as an allow policy binding lists it. */
export function checkMember(value: string): Finding | undefined {
  if (value === 'allUsers' || value === 'allAuthenticatedUsers') return undefined;
  const odd = nonAscii(value, 'member');
  if (odd !== undefined) return odd;
  if (value.startsWith('principal://') || value.startsWith('principalSet://')) return checkPrincipal(value);
  const colon = value.indexOf(':');
  if (colon < 0) {
    const casing = ['allUsers', 'allAuthenticatedUsers'].find(
      (name) => name.toLowerCase() === value.toLowerCase(),
    );
    return {
      what: `member '${value}' has no type prefix`,
      remedy:
        casing === undefined
          ? `Write it as one of: ${MEMBER_FORMS}.`
          : `Write '${casing}' with exactly this casing.`,
    };
  }
  const kind = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (kind === 'domain') {
    return DOMAIN.test(rest)
      ? undefined
      : { what: `member '${value}' does not name a domain`, remedy: 'Write it as domain:example.com.' };
  }
  const known = EMAIL_KINDS.find((name) => name === kind);
  if (known === undefined) {
    const casing = [...EMAIL_KINDS, 'domain'].find((name) => name.toLowerCase() === kind.toLowerCase());
    return {
      what:
        kind === 'deleted'
          ? `member '${value}' is a deleted principal, which cannot be granted`
          : `member '${value}' has an unknown type '${kind}:'`,
      remedy:
        casing === undefined
          ? `Write it as one of: ${MEMBER_FORMS}.`
          : `Write the prefix as '${casing}:' (IAM prefixes are case-sensitive).`,
    };
  }
  if (rest === '')
    return {
      what: `member '${value}' has no email after '${kind}:'`,
      remedy: `Write it as ${kind}:NAME@DOMAIN.`,
    };
  if (known === 'serviceAccount')
    return checkServiceAccountEmail(rest, `service account in member '${value}'`);
  const email = checkEmail(rest, `email in member '${value}'`);
  if (email !== undefined) return email;
  if (rest.endsWith('.gserviceaccount.com')) {
    return {
      what: `member '${value}' names a service account with '${kind}:'`,
      remedy: `Write it as serviceAccount:${rest}.`,
    };
  }
  return undefined;
}

function checkPrincipal(value: string): Finding | undefined {
  const pattern = value.startsWith('principal://') ? PRINCIPAL : PRINCIPAL_SET;
  if (pattern.test(value)) return undefined;
  return {
    what: `member '${value}' is not a valid ${value.startsWith('principal://') ? 'principal' : 'principal set'} identifier`,
    remedy: value.startsWith('principal://')
      ? 'Write it as principal://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/subject/SUBJECT (or .../locations/global/workforcePools/POOL/subject/SUBJECT).'
      : 'Write it as principalSet://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/ followed by group/GROUP, attribute.NAME/VALUE or * (or the workforcePools equivalent).',
  };
}
