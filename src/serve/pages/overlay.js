// Captions for streaming software (an OBS browser source): the last lines, large, on a transparent page.
// Query options: size (px), lines, color, bg (a box behind the text), position (bottom|top|middle),
// align (center|left|right), font, names (0 hides speaker names). Values are checked, then set through
// the CSS object model: nothing from the URL or the transcript is ever parsed as HTML or CSS text.
import { connect, labelOf, namesFrom } from '/transcript.js';

const query = new URLSearchParams(location.search);
const box = document.getElementById('captions');

function number(name, fallback, min, max) {
  const value = Number(query.get(name));
  return query.has(name) && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
function color(name) {
  const value = query.get(name);
  return value && CSS.supports('color', value) ? value : undefined;
}
function oneOf(name, values) {
  const value = query.get(name);
  return values.includes(value) ? value : values[0];
}

const settings = {
  size: number('size', 48, 8, 300),
  lines: Math.round(number('lines', 2, 1, 20)),
  color: color('color') ?? '#ffffff',
  bg: color('bg'),
  position: oneOf('position', ['bottom', 'top', 'middle']),
  align: oneOf('align', ['center', 'left', 'right']),
  font: query.get('font'),
  names: query.get('names') !== '0',
};
box.style.fontSize = `${settings.size}px`;
box.style.color = settings.color;
box.style.textAlign = settings.align;
if (settings.font && CSS.supports('font-family', settings.font)) box.style.fontFamily = settings.font;
document.body.dataset.position = settings.position;
if (settings.bg) box.style.setProperty('--box', settings.bg);
box.classList.toggle('boxed', Boolean(settings.bg));

const finals = [];
const interims = new Map();
let names = namesFrom(undefined);

function lineOf(event) {
  const label = settings.names ? labelOf(event, names) : '';
  return label ? `${label}: ${event.text}` : String(event.text);
}

function render() {
  const shown = [...finals.map((text) => ({ text, interim: false })), ...[...interims.values()].map((text) => ({ text, interim: true }))];
  box.replaceChildren(
    ...shown.slice(-settings.lines).map((line) => {
      const node = document.createElement('div');
      node.className = line.interim ? 'line interim' : 'line';
      node.textContent = line.text;
      return node;
    }),
  );
}

connect(
  {
    open(event) {
      names = namesFrom(event);
    },
    interim(event) {
      if (event.text) interims.set(event.channel, lineOf(event));
      else interims.delete(event.channel);
      render();
    },
    final(event) {
      interims.delete(event.channel);
      finals.push(lineOf(event));
      if (finals.length > 100) finals.splice(0, finals.length - 100);
      render();
    },
    close() {
      interims.clear();
      render();
    },
  },
  () => {},
);
