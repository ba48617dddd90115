// A step's trace drawn over the frame the tracer saw (issue 21, item 5): the trace with distinct start and end
// markers, the bound object outlined and the destination region, in two views of the same picture. The frame view
// shows the whole image; the close-up frames the trace alone, so a short motion (a few pixels of the image) is drawn
// as a line between two markers that do not overlap, and a long one that leaves the image is kept whole.
// SVG rather than canvas: every mark is an element the browser tests (and screen readers, through <title>) can read.
// Geometry follows DESIGN.md §5: 2D points are pixels of the frame; 3D points and boxes are metres in the camera frame
// (x right, y down, z forward), projected with the frame's intrinsics as u = fx·X/Z + cx, v = fy·Y/Z + cy.

const SVG = 'http://www.w3.org/2000/svg';

/** Builds an SVG element; text (labels are user-visible scene names) goes through textContent. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) {
      node.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child);
    }
  }
  return node;
}

function title(text) {
  const node = svg('title');
  node.textContent = text;
  return node;
}

// Marker sizes are in screen pixels, whatever the zoom: the marks must stay legible on a 2x close-up and a 40x one.
export const MARKER_RADIUS_PX = 7;
// The close-up never shows less than this many image pixels across, so one pixel of motion is at most this zoom.
const MIN_CLOSEUP_SPAN = 8;
// The close-up is offered when it magnifies the trace at least this much, or when the trace leaves the image.
const CLOSEUP_MIN_ZOOM = 1.5;

// ---- geometry ----------------------------------------------------------------------------------------------------

/** The pixel of a camera-frame point, or null behind (or on) the camera plane. */
export function project([x, y, z], k) {
  if (!(z > 1e-6)) {
    return null;
  }
  return [k.fx * x / z + k.cx, k.fy * y / z + k.cy];
}

// An oriented box as served (GeometryJsonConverters): centre, full extents, 9 row-major entries of the
// local-to-camera rotation (p = centre + R · local).
function corners(box) {
  const [cx, cy, cz] = box.center;
  const [hx, hy, hz] = box.extent.map(e => e / 2);
  const r = box.rotation ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const result = [];
  for (let i = 0; i < 8; i++) {
    const local = [i & 1 ? hx : -hx, i & 2 ? hy : -hy, i & 4 ? hz : -hz];
    result.push([
      cx + r[0] * local[0] + r[1] * local[1] + r[2] * local[2],
      cy + r[3] * local[0] + r[4] * local[1] + r[5] * local[2],
      cz + r[6] * local[0] + r[7] * local[1] + r[8] * local[2],
    ]);
  }
  return result;
}

// Andrew's monotone chain: the convex hull, counter-clockwise, without collinear points.
function hull(points) {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) {
    return sorted;
  }
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = list => {
    const chain = [];
    for (const p of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2], chain[chain.length - 1], p) <= 0) {
        chain.pop();
      }
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** The image outline of a scene object's box (the hull of its projected corners), or null when it cannot be drawn. */
export function outline(sceneObject, k) {
  const box = sceneObject?.box;
  if (!box?.center || !box?.extent || !k) {
    return null;
  }
  const projected = corners(box).map(c => project(c, k));
  // A box reaching behind the camera has no closed outline in the image; drawing part of it would mislead.
  if (projected.some(p => p === null || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) {
    return null;
  }
  return hull(projected);
}

function bounds(points) {
  const xs = points.map(p => p[0]);
  const ys = points.map(p => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

function distance(a, b) {
  return Math.hypot(a[0] - b[0], a[1] - b[1], (a[2] ?? 0) - (b[2] ?? 0));
}

/**
 * The close-up's region of the image: the trace's bounds with a margin, at least MIN_CLOSEUP_SPAN across and with
 * the frame's aspect ratio; null when the frame view shows the trace well enough already.
 */
export function closeupRegion(points, width, height) {
  if (points.length === 0) {
    return null;
  }
  const b = bounds(points);
  const aspect = width / height;
  let w = Math.max((b.x1 - b.x0) * 1.4, MIN_CLOSEUP_SPAN);
  let h = Math.max((b.y1 - b.y0) * 1.4, MIN_CLOSEUP_SPAN);
  // Widen the narrow side so the close-up has the frame's shape (the trace is centred in it).
  if (w / h < aspect) {
    w = h * aspect;
  } else {
    h = w / aspect;
  }
  const region = { x: (b.x0 + b.x1 - w) / 2, y: (b.y0 + b.y1 - h) / 2, width: w, height: h };
  const leaves = b.x0 < 0 || b.y0 < 0 || b.x1 > width || b.y1 > height;
  return width / w >= CLOSEUP_MIN_ZOOM || leaves ? region : null;
}

// ---- what is drawn ----------------------------------------------------------------------------------------------

/**
 * Everything one view draws, from the task view of fold.js: the trace (2D as served, else its 3D points projected),
 * earlier traces, the object and destination outlines, and the motion's length in metres when 3D points exist.
 */
export function traceLayers(view) {
  const k = view.frame?.intrinsics ?? null;
  let points = view.points;
  if (points.length === 0 && k) {
    points = view.points3D.map(p => project(p, k)).filter(p => p !== null);
  }
  const start = points[0] ?? null;
  const end = points[points.length - 1] ?? null;
  const motion = view.points3D.length >= 2 ? distance(view.points3D[0], view.points3D[view.points3D.length - 1]) : null;
  return {
    points,
    start,
    end,
    motion,
    superseded: view.superseded,
    object: view.object ? { label: view.object.label, outline: outline(view.object, k) } : null,
    destination: view.destination ? { label: view.destination.label, outline: outline(view.destination, k) } : null,
  };
}

function pointList(points) {
  return points.map(([x, y]) => `${round(x)},${round(y)}`).join(' ');
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function pixel([x, y]) {
  return `(${Math.round(x)}, ${Math.round(y)}) px`;
}

/**
 * The marks of one view, bottom to top: destination region, object outline, earlier traces, the trace, its start and
 * end markers. `unitsPerPixel` is how many image pixels one screen pixel covers in this view (for marker sizes).
 */
export function marks(layers, unitsPerPixel) {
  const nodes = [];
  if (layers.destination?.outline) {
    nodes.push(svg('polygon', { points: pointList(layers.destination.outline), class: 'destination-region', 'data-testid': 'destination-region' },
      title(`destination: ${layers.destination.label}`)));
  }
  if (layers.object?.outline) {
    nodes.push(svg('polygon', { points: pointList(layers.object.outline), class: 'object-outline', 'data-testid': 'object-outline' },
      title(`object to move: ${layers.object.label}, where the tracer saw it`)));
  }
  for (const points of layers.superseded) {
    nodes.push(svg('polyline', { points: pointList(points), class: 'superseded', 'data-testid': 'trace-superseded' }, title('an earlier trace of this step, replaced')));
  }
  if (layers.points.length > 0) {
    nodes.push(svg('polyline', { points: pointList(layers.points), class: 'trace', 'data-testid': 'trace-polyline' }, title(`trace, ${layers.points.length} points`)));
    const r = MARKER_RADIUS_PX * unitsPerPixel;
    const [sx, sy] = layers.start;
    const [ex, ey] = layers.end;
    // The end is drawn first so that, where both markers meet, the start (a ring) stays visible on top of it.
    nodes.push(svg('rect', { x: ex - r, y: ey - r, width: 2 * r, height: 2 * r, class: 'trace-end', 'data-testid': 'trace-end', 'data-x': round(ex), 'data-y': round(ey) },
      title(`end of the trace at ${pixel(layers.end)}: where the object is put down`)));
    nodes.push(svg('circle', { cx: sx, cy: sy, r, class: 'trace-start', 'data-testid': 'trace-start', 'data-x': round(sx), 'data-y': round(sy) },
      title(`start of the trace at ${pixel(layers.start)}: where the object is picked up`)));
  }
  return nodes;
}

/** The legend's entries for what the views draw: [key, swatch class, text]. */
export function legendEntries(layers, closeup) {
  const entries = [];
  if (layers.points.length > 0) {
    const motion = layers.motion === null ? '' : ` (${layers.motion.toFixed(2)} m from start to end)`;
    entries.push(['trace', 'trace', `trace the robot follows${motion}`]);
    entries.push(['start', 'trace-start', 'start: where the object is picked up']);
    entries.push(['end', 'trace-end', 'end: where the object is put down']);
  }
  if (layers.superseded.length > 0) {
    entries.push(['superseded', 'superseded', `earlier trace${layers.superseded.length > 1 ? 's' : ''} of this step, replaced`]);
  }
  if (layers.object?.outline) {
    entries.push(['object', 'object-outline', `object to move: ${layers.object.label}`]);
  }
  if (layers.destination?.outline) {
    entries.push(['destination', 'destination-region', `destination: ${layers.destination.label}`]);
  }
  if (closeup) {
    entries.push(['closeup', 'closeup-area', 'area shown in the close-up']);
  }
  return entries;
}

/** A small SVG sample of an entry's mark, drawn with the same classes as the views. */
export function swatch(kind) {
  const box = svg('svg', { viewBox: '0 0 24 16', width: 24, height: 16, 'aria-hidden': 'true', class: 'swatch' });
  switch (kind) {
    case 'trace':
    case 'superseded':
      box.append(svg('polyline', { points: '2,12 12,4 22,10', class: kind }));
      break;
    case 'trace-start':
      box.append(svg('circle', { cx: 12, cy: 8, r: 6, class: kind }));
      break;
    case 'trace-end':
      box.append(svg('rect', { x: 6, y: 2, width: 12, height: 12, class: kind }));
      break;
    default:
      box.append(svg('rect', { x: 3, y: 2, width: 18, height: 12, class: kind }));
      break;
  }
  return box;
}
