using RoboTracer.Fleet.Domain.Ids;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>Scene memory's message to a task about a watched trace.</summary>
/// <param name="Scene">The scene.</param>
/// <param name="Task">The task that watched.</param>
/// <param name="Trace">The watched trace.</param>
/// <param name="Change">What changed.</param>
/// <param name="DetectedAt">When scene memory noticed.</param>
public sealed record SceneChangeNotice(SceneId Scene, TaskId Task, TraceId Trace, SceneChange Change, DateTimeOffset DetectedAt);
