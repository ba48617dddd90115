using RoboTracer.Fleet.EventStore.Serialization;

namespace RoboTracer.Fleet.Serialization;

/// <summary>
/// Every fleet event type with its stored name (the record's name; renaming a record must keep it) for
/// <see cref="EventSerializer"/>. Readers of the store (API, replay, CLI) build their serializer from this too.
/// </summary>
public static class FleetEvents
{
    /// <summary>The task events that end a task stream's life, for retention.</summary>
    public static IReadOnlyList<string> TerminalTaskEventTypes { get; } = ["TaskCompleted", "TaskFailed", "TaskCancelled"];

    /// <summary>All registrations.</summary>
    public static IReadOnlyList<EventTypeRegistration> Registrations { get; } = Create();

    /// <summary>A serializer for all fleet events.</summary>
    public static EventSerializer CreateSerializer() => new(Registrations);

    private static List<EventTypeRegistration> Create()
    {
        var json = FleetJsonContext.Default;
        return
        [
            EventTypeRegistration.Create(json.TaskSubmitted),
            EventTypeRegistration.Create(json.TaskPlanningStarted),
            EventTypeRegistration.Create(json.TaskPlanned),
            EventTypeRegistration.Create(json.RobotAssigned),
            EventTypeRegistration.Create(json.RobotUnassigned),
            EventTypeRegistration.Create(json.AssignedRobotDisconnected),
            EventTypeRegistration.Create(json.AssignedRobotReconnected),
            EventTypeRegistration.Create(json.TraceRequested),
            EventTypeRegistration.Create(json.TraceAssigned),
            EventTypeRegistration.Create(json.StepExecutionReported),
            EventTypeRegistration.Create(json.StepVerificationStarted),
            EventTypeRegistration.Create(json.StepSucceeded),
            EventTypeRegistration.Create(json.StepAttemptFailed),
            EventTypeRegistration.Create(json.SceneChangeDetected),
            EventTypeRegistration.Create(json.StepInterrupted),
            EventTypeRegistration.Create(json.TaskPaused),
            EventTypeRegistration.Create(json.TaskResumed),
            EventTypeRegistration.Create(json.TaskCompleted),
            EventTypeRegistration.Create(json.TaskFailed),
            EventTypeRegistration.Create(json.TaskCancelled),
            EventTypeRegistration.Create(json.RobotRegistered),
            EventTypeRegistration.Create(json.RobotWentOnline),
            EventTypeRegistration.Create(json.RobotWentOffline),
            EventTypeRegistration.Create(json.RobotTelemetryRecorded),
            EventTypeRegistration.Create(json.RobotReserved),
            EventTypeRegistration.Create(json.RobotReleased),
            EventTypeRegistration.Create(json.RobotStepDispatched),
            EventTypeRegistration.Create(json.RobotStepCancelRequested),
            EventTypeRegistration.Create(json.RobotStepReported),
            EventTypeRegistration.Create(json.SceneObservationMerged),
            EventTypeRegistration.Create(json.TraceWatchStarted),
            EventTypeRegistration.Create(json.TraceWatchTriggered),
            EventTypeRegistration.Create(json.TraceWatchEnded),
            EventTypeRegistration.Create(json.TaskIndexed),
            EventTypeRegistration.Create(json.TaskIndexFinished),
            EventTypeRegistration.Create(json.RobotListed),
        ];
    }
}
