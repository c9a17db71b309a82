// Types for node-record-lpcm16 1.0.1 (CommonJS, untyped, unmaintained since 2019): only what src/audio/recorder.ts uses.
declare module 'node-record-lpcm16' {
  import type { ChildProcess } from 'node:child_process';
  import type { Readable } from 'node:stream';

  namespace lpcm16 {
    interface RecordOptions {
      sampleRate?: number;
      channels?: number;
      audioType?: string;
      device?: string;
      /** 'sox' | 'rec' | 'arecord', or any path: it is loaded with require(path.resolve(recordersDir, recorder)). */
      recorder?: string;
      endOnSilence?: boolean;
      /** The whole options object is passed to the recorder module, extra fields included. */
      [extra: string]: unknown;
    }
    /** What a recorder module returns: the library spawns `cmd args` with `spawnOptions` merged into its defaults. */
    interface RecorderSpec {
      cmd: string;
      args: Array<string | number>;
      spawnOptions?: { env?: Record<string, string | undefined> };
    }
    type RecorderModule = (options: RecordOptions) => RecorderSpec;
    interface Recording {
      /** The spawned recorder. The library attaches no 'error' listener: a failed spawn crashes the process. */
      process: ChildProcess;
      /** The child's stdout. On a non-zero exit the library emits 'error' on it with a string. */
      stream(): Readable;
      stop(): void;
      pause(): void;
      resume(): void;
      isPaused(): boolean;
    }
    /** Spawns the recorder synchronously. */
    function record(options?: RecordOptions): Recording;
  }
  export = lpcm16;
}

declare module 'node-record-lpcm16/recorders/arecord.js' {
  import type { RecorderModule } from 'node-record-lpcm16';
  const recorder: RecorderModule;
  export = recorder;
}
declare module 'node-record-lpcm16/recorders/sox.js' {
  import type { RecorderModule } from 'node-record-lpcm16';
  const recorder: RecorderModule;
  export = recorder;
}
declare module 'node-record-lpcm16/recorders/rec.js' {
  import type { RecorderModule } from 'node-record-lpcm16';
  const recorder: RecorderModule;
  export = recorder;
}
