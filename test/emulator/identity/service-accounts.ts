import { createHash } from 'node:crypto';
import type { ServiceAccountRecord } from '../core/plugin.ts';
import type { ServiceAccountState } from '../state/types.ts';

/** Service accounts of the world, with stable 21-digit unique ids derived from their emails. */
export class ServiceAccounts {
  readonly #byEmail = new Map<string, ServiceAccountRecord>();

  constructor(accounts: readonly ServiceAccountState[]) {
    for (const account of accounts) {
      const email = account.email.toLowerCase();
      if (this.#byEmail.has(email))
        throw new Error(`Service account ${account.email} is declared twice in the state.`);
      this.#byEmail.set(email, {
        email,
        displayName: account.displayName,
        disabled: account.disabled,
        uniqueId: uniqueIdOf(email),
      });
    }
  }

  get(email: string): ServiceAccountRecord | undefined {
    return this.#byEmail.get(email.toLowerCase());
  }

  byUniqueId(uniqueId: string): ServiceAccountRecord | undefined {
    return [...this.#byEmail.values()].find((account) => account.uniqueId === uniqueId);
  }

  all(): readonly ServiceAccountRecord[] {
    return [...this.#byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
  }

  setDisabled(email: string, disabled: boolean): void {
    const account = this.get(email);
    if (account === undefined) throw new Error(`No service account ${email} in the emulated project.`);
    this.#byEmail.set(account.email, { ...account, disabled });
  }
}

function uniqueIdOf(email: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(email).digest('hex').slice(0, 16)}`)
    .toString()
    .padStart(20, '0');
  return `1${digits.slice(0, 20)}`;
}
