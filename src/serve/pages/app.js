// The transcript page: finals appended with names and times, interim text in place (dimmed),
// following the end unless the reader scrolled up; search, copy and downloads.
import { clock, connect, labelOf, namesFrom, toSrt, toText, toVtt } from '/transcript.js';

const finalsList = document.getElementById('finals');
const interims = document.getElementById('interims');
const empty = document.getElementById('empty');
const status = document.getElementById('status');
const search = document.getElementById('search');
const matches = document.getElementById('matches');
const latest = document.getElementById('latest');

/** Everything said so far: { start, end, label, text, item }. */
const lines = [];
const interimByChannel = new Map();
let names = namesFrom(undefined);
let startedAt;

function atEnd() {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 48;
}

/** Runs a change to the page, then keeps the end in view if it was in view before. */
function following(change) {
  const follow = atEnd();
  change();
  if (follow) window.scrollTo(0, document.documentElement.scrollHeight);
  latest.hidden = atEnd();
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setInterim(channel, text) {
  let node = interimByChannel.get(channel);
  if (!text) {
    node?.remove();
    interimByChannel.delete(channel);
    return;
  }
  if (!node) {
    node = element('p', 'interim');
    interimByChannel.set(channel, node);
    interims.append(node);
  }
  const label = labelOf({ channel }, names);
  node.replaceChildren(...(label ? [element('span', 'who', label)] : []), element('span', 'text', text));
}

function addFinal(event) {
  const line = { start: event.start, end: event.end, label: labelOf(event, names), text: String(event.text) };
  const item = element('li', 'line');
  const time = element('time', 'when', clock(line.start));
  if (startedAt) time.title = new Date(startedAt.getTime() + line.start * 1000).toLocaleTimeString();
  item.append(time);
  if (line.label) item.append(element('span', 'who', line.label));
  item.append(element('span', 'text', line.text));
  line.item = item;
  lines.push(line);
  empty.hidden = true;
  finalsList.append(item);
  if (search.value) highlight(line, search.value.toLowerCase());
}

const STATUS_TEXT = { live: 'live', reconnecting: 'reconnecting…', ended: 'ended', offline: 'offline', lost: 'some lines were missed' };
connect(
  {
    open(event) {
      names = namesFrom(event);
      startedAt = new Date(event.started_at);
    },
    interim: (event) => following(() => setInterim(event.channel, event.text)),
    final: (event) =>
      following(() => {
        setInterim(event.channel, '');
        addFinal(event);
      }),
    close(event) {
      for (const channel of [...interimByChannel.keys()]) setInterim(channel, '');
      if (lines.length === 0) empty.textContent = event.exit_code === 0 ? 'Nothing was said.' : 'The session ended.';
    },
    error(event) {
      empty.hidden = false;
      empty.textContent = `Stopped: ${event.message}`;
    },
  },
  (state) => {
    status.dataset.state = state;
    status.textContent = STATUS_TEXT[state] ?? state;
  },
);

window.addEventListener('scroll', () => (latest.hidden = atEnd()), { passive: true });
latest.addEventListener('click', () => window.scrollTo({ top: document.documentElement.scrollHeight, behavior: 'smooth' }));

/** Marks every occurrence of `needle` in the line's text (as text nodes, never markup). */
function highlight(line, needle) {
  const text = line.item.querySelector('.text');
  const haystack = line.text.toLowerCase();
  const parts = [];
  let from = 0;
  let count = 0;
  for (let at = needle ? haystack.indexOf(needle) : -1; at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
    parts.push(document.createTextNode(line.text.slice(from, at)), element('mark', '', line.text.slice(at, at + needle.length)));
    from = at + needle.length;
    count += 1;
  }
  parts.push(document.createTextNode(line.text.slice(from)));
  text.replaceChildren(...parts);
  line.item.classList.toggle('hit', count > 0);
  return count;
}

search.addEventListener('input', () => {
  const needle = search.value.toLowerCase();
  let total = 0;
  for (const line of lines) total += highlight(line, needle);
  matches.textContent = needle ? `${total} ${total === 1 ? 'match' : 'matches'}` : '';
  lines.find((line) => line.item.classList.contains('hit'))?.item.scrollIntoView({ block: 'center' });
});

function flash(button, text) {
  const before = button.textContent;
  button.textContent = text;
  setTimeout(() => (button.textContent = before), 1200);
}

const copyButton = document.getElementById('copy');
copyButton.addEventListener('click', async () => {
  const text = toText(lines);
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Plain http to another machine is not a secure context: no clipboard API there.
    const area = element('textarea', 'offscreen');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  // Not the event's currentTarget: after the await it is null.
  flash(copyButton, 'Copied');
});

const EXPORTS = {
  txt: [toText, 'text/plain'],
  srt: [toSrt, 'application/x-subrip'],
  vtt: [toVtt, 'text/vtt'],
};
for (const button of document.querySelectorAll('[data-download]')) {
  button.addEventListener('click', () => {
    const [render, type] = EXPORTS[button.dataset.download];
    const link = element('a');
    link.href = URL.createObjectURL(new Blob([render(lines)], { type: `${type};charset=utf-8` }));
    link.download = `transcript.${button.dataset.download}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
}
