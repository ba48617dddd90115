// The fleet dashboard: fleet, tasks, task detail and replay, live from GET /api/stream (DESIGN.md §4, CONTRACT.md).
// No framework and no build step: the orchestrator serves these files as they are.
import { foldTask, displayPhase } from './fold.js';
import { MARKER_RADIUS_PX, closeupRegion, legendEntries, marks, svg, swatch, traceLayers } from './trace-view.js';

const TOKEN_KEY = 'robotracer.fleet.token';
const TERMINAL = ['Completed', 'Failed', 'Cancelled'];
const SPEEDS = [1, 2, 5, 10, 20, 50];
// Replay follows the recorded time between events, but never waits longer than this (at 1x) for the next one:
// a task that waited an hour for a robot should not replay as an hour of nothing.
const MAX_REPLAY_GAP_MS = 2000;

const state = {
  token: localStorage.getItem(TOKEN_KEY) ?? '',
  // Set when the server answered a read with 401 (Fleet:RequireTokenForReads): reads then carry the token.
  readsNeedToken: false,
  robots: new Map(),
  tasks: new Map(),
  filter: '',
  stream: null,
  detail: null,
};

// ---- small DOM helpers ---------------------------------------------------------------------------------------

const $ = id => document.getElementById(id);

// Builds an element; text always goes through textContent, since instructions and reasons are user input.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'text') {
      node.textContent = value;
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function age(iso) {
  if (!iso) {
    return '—';
  }
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min`;
  }
  return `${Math.floor(seconds / 3600)} h`;
}

function shortId(id) {
  return id && id.length > 12 ? id.slice(0, 12) + '…' : id ?? '';
}

// ---- the API -------------------------------------------------------------------------------------------------

async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  const mutating = method !== 'GET';
  if (state.token && (mutating || state.readsNeedToken)) {
    headers.Authorization = `Bearer ${state.token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && !mutating && !state.readsNeedToken) {
      state.readsNeedToken = true;
      return api(path, { method, body });
    }
    const problem = json?.detail ?? json?.title ?? text;
    throw new Error(`${method} ${path}: ${response.status} ${problem}`);
  }
  return json;
}

// EventSource and <img> cannot send headers; the server takes ?access_token= for reads (RFC 6750 §2.3).
function readUrl(path) {
  if (!state.readsNeedToken || !state.token) {
    return path;
  }
  return path + (path.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(state.token);
}

function blobUrl(hash) {
  return readUrl(`/api/blobs/${encodeURIComponent(hash)}`);
}

// ---- live updates --------------------------------------------------------------------------------------------

// Opens the stream first and loads the snapshots once it is open, so no event falls between the two. On a
// reconnect the browser resumes from Last-Event-ID and the snapshots are loaded again (cheap, and self-healing).
function connectStream() {
  state.stream?.close();
  const stream = new EventSource(readUrl('/api/stream'));
  state.stream = stream;
  setStreamStatus('connecting');
  stream.onopen = () => {
    setStreamStatus('live');
    loadSnapshots();
  };
  stream.onerror = () => setStreamStatus(stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  // The server names every SSE event after its type, and EventSource hands a named event only to listeners of
  // that name: one listener per type this page reacts to.
  for (const type of KNOWN_EVENT_TYPES) {
    stream.addEventListener(type, message => onRecorded(JSON.parse(message.data)));
  }
}

// The event types of TaskEvents.cs and RobotEvents.cs; SSE delivers named events only to listeners of that name.
const KNOWN_EVENT_TYPES = [
  'TaskSubmitted', 'TaskPlanningStarted', 'TaskPlanned', 'RobotAssigned', 'RobotUnassigned', 'AssignedRobotDisconnected',
  'AssignedRobotReconnected', 'TraceRequested', 'TraceAssigned', 'StepExecutionReported', 'StepVerificationStarted',
  'StepSucceeded', 'StepAttemptFailed', 'SceneChangeDetected', 'StepInterrupted', 'TaskPaused', 'TaskResumed',
  'TaskCompleted', 'TaskFailed', 'TaskCancelled',
  'RobotRegistered', 'RobotWentOnline', 'RobotWentOffline', 'RobotTelemetryRecorded', 'RobotReserved', 'RobotReleased',
  'RobotStepDispatched', 'RobotStepCancelRequested', 'RobotStepReported',
];

function setStreamStatus(status) {
  const node = $('stream-status');
  node.textContent = status;
  node.dataset.status = status;
}

// Per id, at most one refresh in flight and one queued: a burst of events costs two GETs, not one per event.
const refreshing = new Map();
function refresh(key, load) {
  const entry = refreshing.get(key);
  if (entry) {
    entry.again = true;
    return;
  }
  const run = { again: false };
  refreshing.set(key, run);
  load().catch(error => showError(error)).finally(() => {
    refreshing.delete(key);
    if (run.again) {
      refresh(key, load);
    }
  });
}

function onRecorded(recorded) {
  const stream = recorded.stream ?? '';
  if (stream.startsWith('task-')) {
    const id = stream.slice('task-'.length);
    refresh('task:' + id, async () => {
      state.tasks.set(id, await api(`/api/tasks/${encodeURIComponent(id)}`));
      renderTasks();
    });
    if (state.detail?.id === id) {
      addDetailEvent(recorded);
    }
  } else if (stream.startsWith('robot-')) {
    refresh('robots', loadRobots);
  }
}

async function loadRobots() {
  const robots = await api('/api/robots');
  state.robots = new Map(robots.map(r => [r.id, r]));
  renderFleet();
}

async function loadTasks() {
  const tasks = await api('/api/tasks');
  state.tasks = new Map(tasks.map(t => [t.id, t]));
  renderTasks();
}

function loadSnapshots() {
  refresh('robots', loadRobots);
  refresh('tasks', loadTasks);
  if (state.detail) {
    refresh('detail', () => loadDetail(state.detail.id));
  }
}

function showError(error) {
  const node = $('error');
  node.textContent = String(error?.message ?? error);
  node.hidden = false;
}

// ---- fleet view ----------------------------------------------------------------------------------------------

function renderFleet() {
  const body = $('fleet-body');
  body.replaceChildren(...[...state.robots.values()].map(robot => {
    const step = robot.currentStep;
    const online = robot.connection === 'Online';
    return el('tr', { 'data-testid': 'robot-row', 'data-robot-id': robot.id },
      el('td', { text: robot.id }),
      el('td', { 'data-testid': 'robot-connection', class: online ? 'ok' : 'bad', text: robot.connection }),
      el('td', { 'data-testid': 'robot-battery' }, batteryBar(robot.battery)),
      el('td', { 'data-testid': 'robot-task' },
        step ? el('a', { href: `#/tasks/${encodeURIComponent(step.taskId)}`, text: shortId(step.taskId) }) : (robot.reservedBy ? shortId(robot.reservedBy) : '—')),
      el('td', { 'data-testid': 'robot-step', text: step ? `step ${step.stepIndex + 1} ${step.state ?? ''} ${Math.round((step.progress ?? 0) * 100)}%` : '—' }),
      el('td', { 'data-testid': 'robot-heartbeat', 'data-heartbeat': robot.lastHeartbeat ?? '', text: age(robot.lastHeartbeat) }));
  }));
  $('fleet-count').textContent = `${[...state.robots.values()].filter(r => r.connection === 'Online').length} of ${state.robots.size} online`;
  renderRobotChoices();
}

function batteryBar(battery) {
  if (battery === null || battery === undefined) {
    return '—';
  }
  const percent = Math.round(battery * 100);
  return el('span', { class: 'battery', title: `${percent}%` },
    el('span', { class: 'battery-fill' + (percent < 20 ? ' low' : ''), style: `width:${percent}%` }),
    el('span', { class: 'battery-text', text: `${percent}%` }));
}

function renderRobotChoices() {
  const select = $('submit-robot');
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '', text: 'any robot' }),
    ...[...state.robots.keys()].map(id => el('option', { value: id, text: id, selected: id === chosen })));
}

// Heartbeats are not events (RobotEvents.cs), so ages and the connection state are polled.
function tickFleet() {
  for (const cell of document.querySelectorAll('[data-testid="robot-heartbeat"]')) {
    cell.textContent = age(cell.dataset.heartbeat);
  }
  for (const cell of document.querySelectorAll('[data-testid="task-age"]')) {
    cell.textContent = age(cell.dataset.submitted);
  }
}

// ---- task list -----------------------------------------------------------------------------------------------

function renderTasks() {
  const tasks = [...state.tasks.values()]
    .filter(t => !state.filter || t.phase === state.filter)
    .sort((a, b) => Date.parse(b.submittedAt) - Date.parse(a.submittedAt));
  $('tasks-body').replaceChildren(...tasks.map(task => {
    const steps = task.steps ?? [];
    const current = Math.min(task.currentStep, Math.max(steps.length - 1, 0));
    const stepText = steps.length === 0 ? '—' : TERMINAL.includes(task.phase) || task.currentStep >= steps.length
      ? `${Math.min(task.currentStep, steps.length)} of ${steps.length} done`
      : `step ${current + 1} of ${steps.length} (${steps[current].phase})`;
    return el('tr', { 'data-testid': 'task-row', 'data-task-id': task.id, class: state.detail?.id === task.id ? 'selected' : null },
      el('td', {}, el('a', { href: `#/tasks/${encodeURIComponent(task.id)}`, 'data-testid': 'task-link', text: shortId(task.id) })),
      el('td', { class: 'instruction', text: task.instruction }),
      el('td', { 'data-testid': 'task-phase', class: 'phase phase-' + task.phase, text: task.phase }),
      el('td', { 'data-testid': 'task-robot', text: task.robotId ?? '—' }),
      el('td', { 'data-testid': 'task-step', text: stepText }),
      el('td', { 'data-testid': 'task-age', 'data-submitted': task.submittedAt, text: age(task.submittedAt) }));
  }));
  if (state.detail) {
    renderDetailHeader();
  }
}

// ---- submit and cancel ---------------------------------------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  const instruction = $('submit-instruction').value.trim();
  const robotId = $('submit-robot').value || undefined;
  const result = $('submit-result');
  if (!instruction) {
    result.textContent = 'Write an instruction first.';
    return;
  }
  try {
    const { taskId } = await api('/api/tasks', { method: 'POST', body: { instruction, robotId } });
    result.replaceChildren('Submitted ', el('a', { href: `#/tasks/${encodeURIComponent(taskId)}`, 'data-testid': 'submitted-task', 'data-task-id': taskId, text: taskId }));
    $('submit-instruction').value = '';
  } catch (error) {
    result.textContent = String(error.message);
  }
}

async function cancel() {
  const id = state.detail?.id;
  if (!id) {
    return;
  }
  try {
    state.tasks.set(id, await api(`/api/tasks/${encodeURIComponent(id)}/cancel`, { method: 'POST' }));
    renderTasks();
  } catch (error) {
    showError(error);
  }
}

// ---- task detail and replay ----------------------------------------------------------------------------------

// Routes: #/ (fleet and tasks) and #/tasks/{id}[?at=<position>] (detail; with `at`, replay at that position).
function route() {
  const match = /^#\/tasks\/([^?]+)(?:\?(.*))?$/.exec(location.hash);
  if (!match) {
    closeDetail();
    return;
  }
  const id = decodeURIComponent(match[1]);
  const at = new URLSearchParams(match[2] ?? '').get('at');
  const position = at !== null && at !== '' && Number.isFinite(Number(at)) ? Number(at) : null;
  if (state.detail?.id !== id) {
    stopPlaying();
    state.detail = { id, events: [], at: position, playing: null, speed: Number($('speed').value) || 10, loaded: false };
    $('detail').hidden = false;
    $('detail-title').textContent = id;
    refresh('detail', () => loadDetail(id));
  } else {
    state.detail.at = position;
    renderDetail();
  }
  renderTasks();
}

function closeDetail() {
  stopPlaying();
  state.detail = null;
  $('detail').hidden = true;
  renderTasks();
}

async function loadDetail(id) {
  const events = await api(`/api/tasks/${encodeURIComponent(id)}/events`);
  if (state.detail?.id !== id) {
    return;
  }
  // The API takes a unique start of a task id (as git does); the page and the live stream go by the full id, and so
  // does the address (replaced in place: no hashchange, no second load).
  const full = events[0]?.stream?.slice('task-'.length);
  if (full && full !== id) {
    history.replaceState(null, '', location.hash.replace(`#/tasks/${encodeURIComponent(id)}`, `#/tasks/${encodeURIComponent(full)}`));
    state.detail.id = full;
    $('detail-title').textContent = full;
    id = full;
  }
  // Events that arrived on the stream while the history loaded are merged in, by position.
  const byPosition = new Map(state.detail.events.map(e => [e.position, e]));
  for (const e of events) {
    byPosition.set(e.position, e);
  }
  state.detail.events = [...byPosition.values()].sort((a, b) => a.position - b.position);
  state.detail.loaded = true;
  if (!state.tasks.has(id)) {
    refresh('task:' + id, async () => {
      state.tasks.set(id, await api(`/api/tasks/${encodeURIComponent(id)}`));
      renderTasks();
    });
  }
  renderDetail();
}

function addDetailEvent(recorded) {
  const events = state.detail.events;
  if (events.some(e => e.position === recorded.position)) {
    return;
  }
  events.push(recorded);
  events.sort((a, b) => a.position - b.position);
  if (state.detail.loaded) {
    renderDetail();
  }
}

function renderDetailHeader() {
  const task = state.tasks.get(state.detail.id);
  const cancelButton = $('cancel');
  cancelButton.hidden = !task || TERMINAL.includes(task.phase);
}

// The index of the last event at or before the replay position (the last event when live).
function replayIndex(detail) {
  if (detail.at === null) {
    return detail.events.length - 1;
  }
  let index = -1;
  for (let i = 0; i < detail.events.length && detail.events[i].position <= detail.at; i++) {
    index = i;
  }
  return index;
}

function renderDetail() {
  const detail = state.detail;
  if (!detail) {
    return;
  }
  renderDetailHeader();
  const events = detail.events;
  const index = replayIndex(detail);
  const task = foldTask(events, detail.at);
  const live = detail.at === null;

  $('detail-mode').textContent = live ? 'live' : 'replay';
  $('detail-mode').dataset.mode = live ? 'live' : 'replay';
  $('detail-phase').textContent = displayPhase(task);
  $('detail-instruction').textContent = task.instruction;
  $('detail-robot').textContent = task.robot ? task.robot + (task.robotDisconnected ? ' (disconnected)' : '') : '—';
  $('detail-failure').textContent = task.failureReason ?? '';

  const scrubber = $('scrubber');
  scrubber.max = String(Math.max(events.length - 1, 0));
  scrubber.value = String(Math.max(index, 0));
  scrubber.disabled = events.length === 0;
  const current = events[index];
  $('replay-position').textContent = current ? String(current.position) : '—';
  $('replay-time').textContent = current ? `${index + 1} / ${events.length} · ${new Date(current.recordedAt).toLocaleTimeString()}` : '';
  $('play').textContent = detail.playing ? 'Pause' : 'Play';

  renderSteps(task);
  renderImage(task);
  renderTimeline(events, index, task);
}

function renderSteps(task) {
  $('steps-body').replaceChildren(...task.steps.map((step, i) => el('tr', { 'data-testid': 'step-row', 'data-step-index': i, class: i === task.currentStep && !TERMINAL.includes(task.phase) ? 'current' : null },
    el('td', { text: String(i + 1) }),
    el('td', { text: step.action }),
    el('td', { class: 'instruction', text: step.instruction }),
    el('td', { 'data-testid': 'step-phase', class: 'phase phase-' + step.phase, text: step.phase }),
    el('td', { text: step.phase === 'Executing' || step.phase === 'Verifying' ? `${Math.round(step.progress * 100)}%` : '' }),
    el('td', { text: `${step.attempts} / ${step.replacements}` }),
    el('td', { 'data-testid': 'step-requeries', class: 'requeries' },
      step.requeries.map(r => el('div', { text: `re-queried: ${r.reason}${r.trigger ? ' — after ' + r.trigger : ''}` })),
      step.lastFailure ? el('div', { class: 'bad', text: `last failure: ${step.lastFailure}` }) : null))));
}

function renderImage(task) {
  const figure = $('trace-view');
  const view = task.view;
  if (!view || !view.frame?.rgb) {
    figure.replaceChildren(el('p', { class: 'muted', 'data-testid': 'no-trace', text: view ? 'The trace was made without a recorded frame.' : 'No trace yet at this moment.' }));
    renderCloseup(null);
    renderLegend([]);
    $('trace-caption').textContent = '';
    return;
  }
  const width = view.frame.intrinsics?.width;
  const height = view.frame.intrinsics?.height;
  const src = blobUrl(view.frame.rgb);
  // Rebuilding the <img> on every event would flicker; only the overlay changes when the frame is the same.
  let image = figure.querySelector('img');
  if (!image || image.getAttribute('src') !== src) {
    image = el('img', { src, alt: 'what the robot saw', 'data-testid': 'trace-image' });
    figure.replaceChildren(image);
  }
  figure.querySelector('svg')?.remove();
  const layers = traceLayers(view);
  const caption = `step ${view.step + 1} · trace ${shortId(view.trace)} · ${view.backend ?? ''}${view.model ? ' / ' + view.model : ''}` +
    (view.superseded.length ? ` · ${view.superseded.length} earlier trace(s) in orange` : '');
  const draw = (w, h) => {
    figure.querySelector('svg')?.remove();
    const region = closeupRegion(layers.points, w, h);
    const unitsPerPixel = w / (image.getBoundingClientRect().width || Math.min(w, FRAME_VIEW_PX));
    // Points are pixels of the frame, so the overlay's coordinate system is the image's natural size.
    const overlay = svg('svg', { viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: 'none', 'data-testid': 'trace-overlay', class: 'overlay', role: 'img', 'aria-label': describe(view, layers) });
    overlay.append(...marks(layers, unitsPerPixel));
    if (region) {
      overlay.append(svg('rect', { x: region.x, y: region.y, width: region.width, height: region.height, class: 'closeup-area', 'data-testid': 'closeup-area' }));
    }
    figure.append(overlay);
    const closeupUnits = renderCloseup(region && { src, w, h, region, layers, label: 'close-up: ' + describe(view, layers) });
    renderLegend(legendEntries(layers, region !== null));
    // Where even the close-up cannot part the markers, the motion runs along the line of sight: say so.
    const apart = layers.start ? Math.hypot(layers.end[0] - layers.start[0], layers.end[1] - layers.start[1]) / Math.min(unitsPerPixel, closeupUnits ?? unitsPerPixel) : Infinity;
    $('trace-caption').textContent = caption + (apart < 2 * MARKER_RADIUS_PX
      ? ' · start and end meet in the image: the object moves mostly towards or away from the camera' : '');
  };
  $('trace-caption').textContent = caption;
  if (width && height) {
    draw(width, height);
  } else if (image.complete && image.naturalWidth) {
    draw(image.naturalWidth, image.naturalHeight);
  } else {
    image.addEventListener('load', () => draw(image.naturalWidth, image.naturalHeight), { once: true });
  }
}

// Widths of the two views on the page (app.css): marker sizes are set in screen pixels from them.
const FRAME_VIEW_PX = 640;
const CLOSEUP_VIEW_PX = 320;

// The close-up: the same frame under the same marks, framed on the trace (trace-view.js, closeupRegion); hidden
// when there is nothing to magnify. Keeps its <image> while the frame stays the same. Returns image pixels per
// screen pixel in it, or null when hidden.
function renderCloseup(closeup) {
  const holder = $('trace-closeup-view');
  holder.hidden = !closeup;
  if (!closeup) {
    holder.replaceChildren();
    return null;
  }
  const { src, w, h, region, layers, label } = closeup;
  const unitsPerPixel = region.width / CLOSEUP_VIEW_PX;
  const zoom = round2(w / region.width);
  let view = holder.querySelector('svg.closeup');
  if (!view || view.querySelector('image').getAttribute('href') !== src) {
    view = svg('svg', { class: 'closeup', 'data-testid': 'trace-closeup', role: 'img' },
      svg('image', { href: src, x: 0, y: 0, width: w, height: h, preserveAspectRatio: 'none' }),
      svg('g', { class: 'marks' }));
    holder.replaceChildren(view, el('div', { class: 'muted', 'data-testid': 'closeup-zoom' }));
  }
  for (const [key, value] of Object.entries({
    viewBox: `${region.x} ${region.y} ${region.width} ${region.height}`, width: CLOSEUP_VIEW_PX,
    height: Math.round(CLOSEUP_VIEW_PX * region.height / region.width), 'data-zoom': zoom, 'aria-label': label,
  })) {
    view.setAttribute(key, String(value));
  }
  view.querySelector('g.marks').replaceChildren(...marks(layers, unitsPerPixel));
  holder.querySelector('[data-testid=closeup-zoom]').textContent = `close-up ×${zoom}`;
  return unitsPerPixel;
}

function round2(value) {
  return Math.round(value * 100) / 100;
}

function renderLegend(entries) {
  const legend = $('trace-legend');
  legend.hidden = entries.length === 0;
  legend.replaceChildren(...entries.map(([key, kind, text]) => el('li', { 'data-testid': 'legend-' + key }, swatch(kind), text)));
}

// What the overlay shows, in words, for screen readers.
function describe(view, layers) {
  const parts = [`trace of step ${view.step + 1}`];
  if (layers.start) {
    parts.push(`from (${Math.round(layers.start[0])}, ${Math.round(layers.start[1])}) to (${Math.round(layers.end[0])}, ${Math.round(layers.end[1])}) px`);
  }
  if (layers.object?.outline) {
    parts.push(`object ${layers.object.label} outlined`);
  }
  if (layers.destination?.outline) {
    parts.push(`destination ${layers.destination.label} shaded`);
  }
  return parts.join(', ');
}

function summary(e) {
  const d = e.data ?? {};
  const step = typeof d.stepIndex === 'number' ? `step ${d.stepIndex + 1}` : '';
  switch (e.type) {
    case 'TaskSubmitted': return d.instruction;
    case 'TaskPlanned': return `${d.plan?.steps?.length ?? 0} steps (${d.plan?.planner ?? ''})`;
    case 'RobotAssigned': return `${d.robot} from step ${(d.fromStep ?? 0) + 1}`;
    case 'RobotUnassigned': return `${d.robot}: ${d.reason}`;
    case 'TraceRequested': return `${step}: ${d.reason}`;
    case 'TraceAssigned': return `${step}: ${(d.points?.points2D ?? []).length} points to ${d.robot}`;
    case 'StepExecutionReported': return `${step}: ${d.state} ${Math.round((d.progress ?? 0) * 100)}%`;
    case 'StepSucceeded': return `${step}: ${d.detail ?? ''}`;
    case 'StepAttemptFailed': return `${step}: ${d.category} ${d.reason}`;
    case 'SceneChangeDetected': return `${step}: ${d.change?.description ?? ''}`;
    case 'StepInterrupted': return `${step}: ${d.reason}`;
    case 'TaskFailed': return `${d.category}: ${d.reason}`;
    case 'TaskCancelled': case 'TaskPaused': return d.reason;
    default: return step;
  }
}

function renderTimeline(events, index, task) {
  const triggers = new Set(task.requests.filter(r => r.requery).map(r => r.position));
  $('timeline').replaceChildren(...events.map((e, i) => el('li', {
    'data-testid': 'timeline-event', 'data-position': e.position,
    class: [i <= index ? 'past' : 'future', i === index ? 'now' : '', triggers.has(e.position) ? 'requery' : ''].join(' ').trim(),
    onclick: () => seek(e.position),
  },
  el('span', { class: 'position', text: `#${e.position}` }),
  el('span', { class: 'time', text: new Date(e.recordedAt).toLocaleTimeString() }),
  el('span', { class: 'type', text: e.type }),
  el('span', { class: 'summary', text: summary(e) ?? '' }))));
}

// Moves the replay to `position` (null: live) and keeps the address a deep link to it.
function seek(position) {
  const detail = state.detail;
  if (!detail) {
    return;
  }
  detail.at = position;
  const hash = `#/tasks/${encodeURIComponent(detail.id)}` + (position === null ? '' : `?at=${position}`);
  history.replaceState(null, '', hash);
  renderDetail();
}

function onScrub() {
  stopPlaying();
  const events = state.detail?.events ?? [];
  const event = events[Number($('scrubber').value)];
  if (event) {
    seek(event.position);
  }
}

function togglePlay() {
  const detail = state.detail;
  if (!detail) {
    return;
  }
  if (detail.playing) {
    stopPlaying();
    renderDetail();
    return;
  }
  // Playing from the end (or live) starts over from the first event.
  let index = replayIndex(detail);
  if (detail.at === null || index >= detail.events.length - 1) {
    index = 0;
    seek(detail.events[0]?.position ?? null);
  }
  detail.playing = { timer: 0 };
  scheduleNext(index);
  renderDetail();
}

function scheduleNext(index) {
  const detail = state.detail;
  if (!detail?.playing) {
    return;
  }
  const events = detail.events;
  if (index >= events.length - 1) {
    stopPlaying();
    renderDetail();
    return;
  }
  const gap = Date.parse(events[index + 1].recordedAt) - Date.parse(events[index].recordedAt);
  const delay = Math.min(Math.max(gap, 0), MAX_REPLAY_GAP_MS) / detail.speed;
  detail.playing.timer = setTimeout(() => {
    seek(events[index + 1].position);
    scheduleNext(index + 1);
  }, delay);
}

function stopPlaying() {
  if (state.detail?.playing) {
    clearTimeout(state.detail.playing.timer);
    state.detail.playing = null;
  }
}

// ---- wiring --------------------------------------------------------------------------------------------------

function init() {
  const token = $('token');
  token.value = state.token;
  token.addEventListener('input', () => {
    state.token = token.value.trim();
    localStorage.setItem(TOKEN_KEY, state.token);
  });
  $('submit-form').addEventListener('submit', submit);
  $('task-filter').addEventListener('change', event => {
    state.filter = event.target.value;
    renderTasks();
  });
  $('cancel').addEventListener('click', cancel);
  $('close-detail').addEventListener('click', () => {
    location.hash = '#/';
  });
  $('scrubber').addEventListener('input', onScrub);
  $('play').addEventListener('click', togglePlay);
  $('live').addEventListener('click', () => {
    stopPlaying();
    seek(null);
  });
  const speed = $('speed');
  speed.replaceChildren(...SPEEDS.map(s => el('option', { value: s, text: `${s}x`, selected: s === 10 })));
  speed.addEventListener('change', () => {
    if (state.detail) {
      state.detail.speed = Number(speed.value);
    }
  });
  window.addEventListener('hashchange', route);
  setInterval(tickFleet, 1000);
  // Connection state changes are events, but a robot's battery and heartbeat are not: poll them gently.
  setInterval(() => refresh('robots', loadRobots), 2000);
  connectStream();
  route();
}

init();
