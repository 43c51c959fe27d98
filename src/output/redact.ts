/** Redaction lives in core (pure text); output re-exports it for the reporter. */
export * from '../core/redact.js'
