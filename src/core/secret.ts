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
