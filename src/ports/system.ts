/** The local system: time and one HTTP probe. */
export interface HttpProbe {
  /** One GET; resolves with the status, or null when nothing answered (connection refused, TLS, timeout). */
  get(url: string, signal: AbortSignal): Promise<number | null>
}

export interface Clock {
  now(): number
  sleep(ms: number, signal: AbortSignal): Promise<void>
}
