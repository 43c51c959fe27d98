/** The local side of a push: docker build/save and git through the CLI, and the OCI push over HTTP. */
import {dockerBuild, dockerSave, gitState} from '../adapters/docker/docker-cli.js'
import {openLocalImage} from '../adapters/registry/oci-layout.js'
import {pushImage} from '../adapters/registry/oci-push.js'
import {RegistrySession} from '../adapters/registry/registry-http.js'
import {redactUrl} from '../core/redact.js'
import type {Reporter} from '../output/reporter.js'
import type {ImageBuilderPort, ImagePusherPort} from '../ports/index.js'
import {createImageInspector} from './images.js'

export function createImageBuilder(o: {dockerBin?: string} = {}): ImageBuilderPort {
  const bin = o.dockerBin ? {bin: o.dockerBin} : {}
  return {
    build: (spec, opts) => dockerBuild(spec, {...bin, ...opts}),
    save: (image, opts) => dockerSave(image, {...bin, ...opts}),
    gitState,
  }
}

export function createImagePusher(o: {ca?: string; debug?: (line: string) => void} = {}): ImagePusherPort {
  return {
    async push(source, dest, creds, s) {
      const local = await openLocalImage(source)
      s.onOpen?.([local.config, ...local.layers].reduce((n, b) => n + b.size, 0))
      const session = new RegistrySession(dest.registry, creds, {
        ...(o.ca ? {ca: o.ca} : {}),
        ...(o.debug ? {debug: o.debug, redact: redactUrl} : {}),
      })
      return pushImage(session, dest.repository, local, {
        tag: dest.tag,
        concurrency: s.concurrency,
        ...(s.chunkBytes ? {chunkBytes: s.chunkBytes} : {}),
        ...(s.signal ? {signal: s.signal} : {}),
        ...(s.putManifest ? {putManifest: s.putManifest} : {}),
        ...(s.onProgress ? {onProgress: s.onProgress} : {}),
      })
    },
  }
}

/** Everything `push` needs but Azure. */
export const pushTools = (reporter: Reporter, signal?: AbortSignal) => ({
  builder: createImageBuilder(),
  pusher: createImagePusher({debug: (line) => reporter.debug(line)}),
  isAcrStyle: createImageInspector(undefined, signal).isAcrStyle,
})
