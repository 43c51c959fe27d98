/**
 * A value that refuses to print itself: tokens, registry passwords, app-setting values.
 * `reveal()` is the only way out; grep for it in review.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  equals(other: Secret | undefined): boolean {
    return other !== undefined && other.#value === this.#value
  }

  toString(): string {
    return '[REDACTED]'
  }

  toJSON(): string {
    return '[REDACTED]'
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([REDACTED])'
  }
}

/** Credentials the environment may hold; the runner masks `secrets.*`, not values set some other way. */
export const SECRET_ENV = [
  'AZDEPLOY_REGISTRY_PASSWORD',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
] as const
