// Shared by the transcript page and the overlay: the event stream, names, times and exports.
// Transcript text only ever reaches the page as text (textContent), never as HTML.

/** How to name speakers and channels, from the `open` event's settings. */
export function namesFrom(open) {
  const settings = (open && open.settings) || {};
  const speakers = settings.speakers && typeof settings.speakers === 'object' ? settings.speakers : {};
  const channels = settings['channel-names'] && typeof settings['channel-names'] === 'object' ? settings['channel-names'] : {};
  return {
    diarize: settings.diarize === true || Object.keys(speakers).length > 0,
    multichannel: settings.multichannel === true || Object.keys(channels).length > 0,
    speakers,
    channels,
  };
}

function own(map, key) {
  return Object.prototype.hasOwnProperty.call(map, key) ? String(map[key]) : undefined;
}

/** `Ana`, `Speaker 0`, `Agent · Ana`, `ch1`, or '' (the same names as the text output). */
export function labelOf(event, names) {
  const parts = [];
  if (names.multichannel && typeof event.channel === 'number') parts.push(own(names.channels, event.channel) ?? `ch${event.channel}`);
  if (names.diarize && typeof event.speaker === 'number') parts.push(own(names.speakers, event.speaker) ?? `Speaker ${event.speaker}`);
  return parts.join(' · ');
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

/** 83.5 -> `00:01:23` */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

function cueTime(seconds, separator) {
  const ms = Math.max(0, Math.round(seconds * 1000));
  return `${clock(ms / 1000)}${separator}${pad(ms % 1000, 3)}`;
}

function said(line) {
  return line.label ? `${line.label}: ${line.text}` : line.text;
}

/** Plain text, one line per final: `[00:00:01] Ana: Hello.` */
export function toText(lines) {
  return lines.map((line) => `[${clock(line.start)}] ${said(line)}\n`).join('');
}

export function toSrt(lines) {
  return lines.map((line, i) => `${i + 1}\n${cueTime(line.start, ',')} --> ${cueTime(Math.max(line.end, line.start), ',')}\n${said(line)}\n\n`).join('');
}

export function toVtt(lines) {
  // A cue's text must not contain "-->"; '<' and '&' would be markup in WebVTT.
  const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const cues = lines.map((line) => `${cueTime(line.start, '.')} --> ${cueTime(Math.max(line.end, line.start), '.')}\n${escape(said(line))}\n\n`);
  return `WEBVTT\n\n${cues.join('')}`;
}

/**
 * Follows /events. The browser reconnects by itself after a drop and sends the last id it saw
 * (Last-Event-ID); the server resends what came after it. An id already seen is ignored.
 * `handlers` by event type (open, interim, final, close, ...), `onStatus(live|reconnecting|ended|offline|lost)`.
 */
export function connect(handlers, onStatus) {
  const token = new URLSearchParams(location.search).get('token');
  const source = new EventSource(token ? `/events?token=${encodeURIComponent(token)}` : '/events');
  let lastId = 0;
  let ended = false;
  source.onopen = () => onStatus('live');
  source.onerror = () => {
    if (!ended) onStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
  };
  source.addEventListener('lost', () => onStatus('lost'));
  source.onmessage = (message) => {
    const id = Number(message.lastEventId);
    if (id > 0 && id <= lastId) return;
    if (id > 0) lastId = id;
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (!event || typeof event.type !== 'string') return;
    if (Object.prototype.hasOwnProperty.call(handlers, event.type)) handlers[event.type](event);
    if (event.type === 'close') {
      ended = true;
      source.close();
      onStatus('ended');
    }
  };
  return source;
}
