#!/bin/sh
# Make deterministic test speech: 16 kHz mono s16le raw with 1 s of silence before and after
# (padding makes the PulseAudio path sample-exact).
# Needs: apt-get install -y espeak-ng sox     Usage: sh make-test-audio.sh OUTDIR ["text"]
set -eu
OUT=${1:?outdir}; TEXT=${2:-"Hello world. This is a test of the live transcription pipeline. The quick brown fox jumps over the lazy dog. One two three four five."}
mkdir -p "$OUT"
espeak-ng -w "$OUT/speech.wav" "$TEXT"
sox "$OUT/speech.wav" -r 16000 -c 1 -b 16 -e signed-integer -t raw "$OUT/speech16k.raw"          # exact reference
sox -t raw -r 16000 -c 1 -b 16 -e signed-integer "$OUT/speech16k.raw" -t raw "$OUT/speech16k_pad.raw" pad 1 1
