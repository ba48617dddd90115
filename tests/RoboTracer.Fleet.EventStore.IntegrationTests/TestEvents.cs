using System.Text.Json.Serialization;
using RoboTracer.Fleet.EventStore.Serialization;

namespace RoboTracer.Fleet.EventStore.IntegrationTests;

public sealed record TaskCreated(string Task, string Instruction);

public sealed record StepStarted(string Task, int Step);

public sealed record TaskFinished(string Task, string Outcome);

public sealed record RobotMoved(string Robot, double X, double Y);

[JsonSerializable(typeof(TaskCreated))]
[JsonSerializable(typeof(StepStarted))]
[JsonSerializable(typeof(TaskFinished))]
[JsonSerializable(typeof(RobotMoved))]
public sealed partial class TestEventsContext : JsonSerializerContext;

public static class TestEvents
{
    public static EventSerializer Serializer { get; } = new([
        EventTypeRegistration.Create(TestEventsContext.Default.TaskCreated),
        EventTypeRegistration.Create(TestEventsContext.Default.StepStarted),
        EventTypeRegistration.Create(TestEventsContext.Default.TaskFinished),
        EventTypeRegistration.Create(TestEventsContext.Default.RobotMoved),
    ]);

    public static EventData Moved(string robot, double x, string? key = null) => Serializer.Serialize(new RobotMoved(robot, x, 0), key);
}
