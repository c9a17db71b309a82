#!/bin/sh
# Regenerates the speech samples shipped in samples/ (espeak-ng voice, 16 kHz mono 16-bit WAV).
# Needs: apt-get install -y espeak-ng sox
set -eu
cd "$(dirname "$0")"
TEXT="Hello from transcribe. This sample was made with espeak. The quick brown fox jumps over the lazy dog."
espeak-ng -s 150 -w /tmp/transcribe-sample.wav "$TEXT"
sox /tmp/transcribe-sample.wav -r 16000 -c 1 -b 16 -e signed-integer hello.wav pad 0.5 0.5
rm -f /tmp/transcribe-sample.wav
soxi hello.wav
