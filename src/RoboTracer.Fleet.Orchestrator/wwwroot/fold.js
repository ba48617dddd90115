// A task's state rebuilt from its recorded events, the way the task grain's TaskState.Apply builds it
// (src/RoboTracer.Fleet.Domain/Tasks/TaskState.cs). Replay folds the events up to a position; the live detail view
// folds all of them, so what the page shows live and in replay comes from one piece of code.
// Events are the objects of GET /api/tasks/{id}/events: {position, version, stream, type, recordedAt, data}.

/** Folds `events` (ordered) with position ≤ `at` (all when `at` is null) into a task snapshot. */
export function foldTask(events, at = null) {
  const task = {
    instruction: '', phase: 'Submitted', paused: false, robot: null, robotDisconnected: false, currentStep: 0,
    steps: [], failureReason: null, planner: null,
    // The frame and traces of the latest TraceAssigned: what the robot had at that moment.
    view: null,
    // Every trace requested so far, by step, with what triggered it (for the "re-queried because" column).
    requests: [],
    // What happened to the current attempt of each step since its last trace request: a scene change, a failure.
    pendingTrigger: new Map(),
    lastPosition: null,
  };
  for (const e of events) {
    if (at !== null && e.position > at) {
      break;
    }
    apply(task, e);
    task.lastPosition = e.position;
  }
  return task;
}

function apply(task, e) {
  const d = e.data ?? {};
  const step = typeof d.stepIndex === 'number' ? task.steps[d.stepIndex] : undefined;
  switch (e.type) {
    case 'TaskSubmitted':
      task.instruction = d.instruction ?? '';
      task.phase = 'Submitted';
      break;
    case 'TaskPlanningStarted':
      task.phase = 'Planning';
      break;
    case 'TaskPlanned':
      task.planner = d.plan?.planner ?? null;
      task.steps = (d.plan?.steps ?? []).map((s, i) => ({
        index: s.index ?? i, action: s.action, instruction: s.traceInstruction ?? '', phase: 'Pending',
        attempts: 0, replacements: 0, progress: 0, trace: null, points2D: null, lastFailure: null,
        superseded: [], requeries: [],
      }));
      task.currentStep = 0;
      task.phase = 'WaitingForRobot';
      break;
    case 'RobotAssigned':
      task.robot = d.robot;
      task.robotDisconnected = false;
      task.phase = 'Assigned';
      break;
    case 'RobotUnassigned':
      task.robot = null;
      task.robotDisconnected = false;
      resetCurrent(task);
      task.phase = 'WaitingForRobot';
      break;
    case 'AssignedRobotDisconnected':
      task.robotDisconnected = true;
      break;
    case 'AssignedRobotReconnected':
      task.robotDisconnected = false;
      break;
    case 'TraceRequested':
      if (step) {
        const trigger = task.pendingTrigger.get(d.stepIndex) ?? null;
        task.pendingTrigger.delete(d.stepIndex);
        // Any request after a step's first is a re-query; its reason and trigger say why.
        const requery = task.requests.some(r => r.step === d.stepIndex);
        const request = { step: d.stepIndex, trace: d.trace, reason: d.reason ?? '', trigger, position: e.position, requery };
        task.requests.push(request);
        if (request.requery) {
          step.requeries.push(request);
        }
        step.trace = d.trace;
        step.points2D = null;
        step.progress = 0;
        step.phase = 'AwaitingTrace';
      }
      break;
    case 'TraceAssigned':
      if (step) {
        step.trace = d.trace;
        step.points2D = points2D(d.points);
        step.robot = d.robot;
        step.phase = 'Executing';
        task.view = {
          step: d.stepIndex,
          trace: d.trace,
          points: step.points2D,
          points3D: points3D(d.points),
          superseded: step.superseded.map(s => s.points),
          frame: d.frame ?? null,
          // The bound object and the destination as the tracer was told about them (their boxes at that moment).
          object: d.object ?? null,
          destination: d.destination ?? null,
          backend: d.points?.backend ?? null,
          model: d.points?.model ?? null,
        };
      }
      break;
    case 'StepExecutionReported':
      if (step && step.trace === d.trace) {
        step.progress = d.progress ?? step.progress;
      }
      break;
    case 'StepVerificationStarted':
      if (step) {
        step.progress = 1;
        step.phase = 'Verifying';
      }
      break;
    case 'StepSucceeded':
      if (step) {
        step.phase = 'Succeeded';
      }
      while (task.currentStep < task.steps.length && task.steps[task.currentStep].phase === 'Succeeded') {
        task.currentStep++;
      }
      break;
    case 'StepAttemptFailed':
      if (step) {
        step.attempts++;
        step.lastFailure = d.reason ?? d.category ?? 'failed';
        task.pendingTrigger.set(d.stepIndex, `attempt failed (${d.category ?? 'unknown'}): ${d.reason ?? ''}`);
        reset(step);
      }
      break;
    case 'SceneChangeDetected':
      if (step) {
        step.replacements++;
        const change = d.change ?? {};
        task.pendingTrigger.set(d.stepIndex, `scene change (${change.kind ?? 'change'}): ${change.description ?? change.label ?? ''}`);
        reset(step);
      }
      break;
    case 'StepInterrupted':
      if (step) {
        task.pendingTrigger.set(d.stepIndex, `interrupted: ${d.reason ?? ''}`);
        reset(step);
      }
      break;
    case 'TaskPaused':
      task.paused = true;
      break;
    case 'TaskResumed':
      task.paused = false;
      break;
    case 'TaskCompleted':
      task.phase = 'Completed';
      break;
    case 'TaskFailed':
      task.phase = 'Failed';
      task.failureReason = d.reason ?? null;
      endUnfinishedSteps(task, 'Failed');
      break;
    case 'TaskCancelled':
      task.phase = 'Cancelled';
      task.failureReason = d.reason ?? null;
      endUnfinishedSteps(task, 'Cancelled');
      break;
    default:
      // An event type this page does not know yet: the timeline still lists it.
      break;
  }
}

// A step's trace that is replaced (scene change, failure, interruption) stays on the image, in another colour,
// so the viewer sees what the re-query changed.
function reset(step) {
  if (step.points2D && step.points2D.length > 0) {
    step.superseded.push({ trace: step.trace, points: step.points2D });
  }
  step.trace = null;
  step.points2D = null;
  step.progress = 0;
  step.phase = 'Pending';
}

function resetCurrent(task) {
  const step = task.steps[task.currentStep];
  if (step && step.phase !== 'Pending') {
    reset(step);
  }
}

/** The task's phase as users see it (TaskState.DisplayPhase): Paused while paused, unless it ended. */
export function displayPhase(task) {
  const terminal = ['Completed', 'Failed', 'Cancelled'].includes(task.phase);
  return task.paused && !terminal ? 'Paused' : task.phase;
}

// 2D points are stored compactly as [x, y] pairs (GeometryJsonConverters); {x, y} objects are accepted too.
export function points2D(points) {
  const list = points?.points2D ?? [];
  return list.map(p => (Array.isArray(p) ? [p[0], p[1]] : [p.x ?? p.X, p.y ?? p.Y])).filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
}

// 3D points are [x, y, z] metres in the camera frame; {x, y, z} objects are accepted too.
export function points3D(points) {
  const list = points?.points3D ?? [];
  return list.map(p => (Array.isArray(p) ? [p[0], p[1], p[2]] : [p.x ?? p.X, p.y ?? p.Y, p.z ?? p.Z])).filter(p => p.every(Number.isFinite));
}

// As the server's TaskState: a task that ends before its steps do ends them too, the current one as the task ended
// (Failed or Cancelled), the later ones as Skipped.
function endUnfinishedSteps(task, ending) {
  for (const step of task.steps) {
    if (step.phase !== 'Succeeded') {
      step.phase = step.index === task.currentStep ? ending : 'Skipped';
    }
  }
}
