'use strict';
// A recorder module for node-record-lpcm16. The library loads its recorder with
// require(path.resolve(<its recorders dir>, options.recorder)), so when src/audio/recorder.ts passes
// this file's absolute path as `recorder`, the library spawns what this returns instead of its own
// arecord/sox/rec command lines. The command itself is computed (and unit-tested) in recorder.ts and
// arrives here inside the options object, which the library hands to the recorder module whole.
// This is the library's only way to add arguments (arecord --period-time, sox --buffer, stdbuf) and
// to give the child its own environment (AUDIODEV, PULSE_LATENCY_MSEC) without touching process.env.
module.exports = function transcribeRecorder(options) {
  const command = options.transcribeCommand;
  if (!command) throw new Error('lpcm16-recorder.cjs: options.transcribeCommand is missing');
  return {
    cmd: command.command,
    args: command.args,
    // Its own process group (POSIX): the terminal's Ctrl+C reaches only us, and we stop the recorder
    // after the words already heard are safe, instead of racing its exit. If we die, a watchdog kills it (watchdog.ts).
    spawnOptions: { env: command.env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' },
  };
};
