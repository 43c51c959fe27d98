/** The SCM (Kudu) site of an app and its diagnostic-logs switch. */
import type {SiteRef} from '../core/site-ref.js'

/** One current Docker log file, as the SCM (Kudu) site lists it at `/api/logs/docker`. */
export interface KuduLogFile {
  /** File name, e.g. `2026_11_28_lw0sdlwk0000A1_default_docker.log`. */
  name: string
  machineName: string
  lastUpdated: string
  size: number
  /** Absolute https URL of the file on the SCM host. */
  href: string
}

/** The SCM (Kudu) API of one app, authenticated with an Entra ID bearer token (never publishing credentials). */
export interface KuduPort {
  readonly host: string
  listDockerLogs(): Promise<KuduLogFile[]>
  /**
   * The bytes of a listed file from `offset` on (a Range request). `from` is where `data` starts in the file (0 when
   * the server ignored the range); `size` is the file's length when the server said; null when the file is gone.
   */
  readFile(href: string, offset: number): Promise<{from: number; data: Uint8Array; size?: number} | null>
}

/** `httpLogs.fileSystem` of the site's diagnostic logs config: the switch for Linux container logs. */
export interface ContainerLogging {
  enabled: boolean
  retentionInMb?: number
  retentionInDays?: number
}

export interface SiteLogsConfigPort {
  getContainerLogging(site: SiteRef): Promise<ContainerLogging | null>
  /** Read-modify-write of `config/logs` (a full PUT): turns `httpLogs.fileSystem` on, other settings unchanged. */
  enableContainerLogging(site: SiteRef, retention: {retentionInMb: number; retentionInDays: number}): Promise<void>
}
