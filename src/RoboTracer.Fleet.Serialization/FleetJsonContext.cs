using System.Text.Json.Serialization;
using RoboTracer.Fleet.Domain.Events;

namespace RoboTracer.Fleet.Serialization;

/// <summary>
/// Source-generated JSON for every fleet event. Enums are stored by name (reordering an enum must not rewrite
/// history), properties in camelCase, geometry and ids through the compact converters.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters =
    [
        typeof(TaskIdJsonConverter),
        typeof(RobotIdJsonConverter),
        typeof(SceneIdJsonConverter),
        typeof(TraceIdJsonConverter),
        typeof(BlobReferenceJsonConverter),
        typeof(Point2DJsonConverter),
        typeof(Point3DJsonConverter),
        typeof(Rotation3DJsonConverter),
        typeof(AxisAlignedBox3DJsonConverter),
        typeof(OrientedBox3DJsonConverter),
        typeof(StringSetJsonConverter),
    ])]
[JsonSerializable(typeof(TaskSubmitted))]
[JsonSerializable(typeof(TaskPlanningStarted))]
[JsonSerializable(typeof(TaskPlanned))]
[JsonSerializable(typeof(RobotAssigned))]
[JsonSerializable(typeof(RobotUnassigned))]
[JsonSerializable(typeof(AssignedRobotDisconnected))]
[JsonSerializable(typeof(AssignedRobotReconnected))]
[JsonSerializable(typeof(TraceRequested))]
[JsonSerializable(typeof(TraceAssigned))]
[JsonSerializable(typeof(StepExecutionReported))]
[JsonSerializable(typeof(StepVerificationStarted))]
[JsonSerializable(typeof(StepSucceeded))]
[JsonSerializable(typeof(StepAttemptFailed))]
[JsonSerializable(typeof(SceneChangeDetected))]
[JsonSerializable(typeof(StepInterrupted))]
[JsonSerializable(typeof(TaskPaused))]
[JsonSerializable(typeof(TaskResumed))]
[JsonSerializable(typeof(TaskCompleted))]
[JsonSerializable(typeof(TaskFailed))]
[JsonSerializable(typeof(TaskCancelled))]
[JsonSerializable(typeof(RobotRegistered))]
[JsonSerializable(typeof(RobotWentOnline))]
[JsonSerializable(typeof(RobotWentOffline))]
[JsonSerializable(typeof(RobotTelemetryRecorded))]
[JsonSerializable(typeof(RobotReserved))]
[JsonSerializable(typeof(RobotReleased))]
[JsonSerializable(typeof(RobotStepDispatched))]
[JsonSerializable(typeof(RobotStepCancelRequested))]
[JsonSerializable(typeof(RobotStepReported))]
[JsonSerializable(typeof(SceneObservationMerged))]
[JsonSerializable(typeof(TraceWatchStarted))]
[JsonSerializable(typeof(TraceWatchTriggered))]
[JsonSerializable(typeof(TraceWatchEnded))]
[JsonSerializable(typeof(TaskIndexed))]
[JsonSerializable(typeof(TaskIndexFinished))]
[JsonSerializable(typeof(RobotListed))]
public sealed partial class FleetJsonContext : JsonSerializerContext
{
}
