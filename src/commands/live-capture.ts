import { BOTH_CHANNEL_NAMES } from '../audio/capture.js';
import type { PcmFormat } from '../audio/format.js';
import { UsageError } from '../errors.js';
import type { Settings } from '../settings/options.js';

/**
 * `--capture both` is one 2-channel stream transcribed per channel: channel 0 the microphone
 * ("You"), channel 1 the system ("Others"); `--channel-names` renames either. Every output reads
 * the names from the settings, so they are set here, once.
 */
export function captureSettings(settings: Settings, multichannelSource = 'default'): Settings {
  if (settings.capture !== 'both') return settings;
  if (settings.multichannel === false && multichannelSource !== 'default')
    throw new UsageError('--capture both is transcribed per channel, but multichannel is turned off', 'drop --no-multichannel (or the multichannel setting)');
  if (settings.channels !== undefined && settings.channels !== 2)
    throw new UsageError(`--capture both records two channels (0 the microphone, 1 the system audio), not ${settings.channels}`, 'drop --channels');
  const channelNames = new Map([...BOTH_CHANNEL_NAMES, ...(settings.channelNames ?? [])]);
  return { ...settings, multichannel: true, channelNames };
}

/** The format Deepgram and `--save-audio` get. */
export function captureFormat(settings: Settings): PcmFormat {
  return { sampleRate: settings.sampleRate ?? 16000, channels: settings.capture === 'both' ? 2 : (settings.channels ?? 1) };
}
