using System.Text;
using RoboTracer.Fleet.Domain.Events;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Ids;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Robots;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.Domain.Tasks;
using RoboTracer.Fleet.Domain.Traces;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Serialization;

namespace RoboTracer.Fleet.Grains.Tests.Serialization;

public sealed class FleetEventsTests
{
    private static readonly DateTimeOffset At = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_event_type_of_the_domain_is_registered()
    {
        var domainEvents = typeof(TaskEvent).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (t.IsSubclassOf(typeof(TaskEvent)) || t.IsSubclassOf(typeof(RobotEvent)) || t.IsSubclassOf(typeof(SceneEvent))
                || t.IsSubclassOf(typeof(TaskIndexEvent)) || t.IsSubclassOf(typeof(RobotDirectoryEvent))));

        Assert.Equal(domainEvents.Select(t => t.Name).Order(), FleetEvents.Registrations.Select(r => r.Type.Name).Order());
    }

    [Fact]
    public void Events_with_geometry_ids_sets_and_plans_round_trip()
    {
        var serializer = FleetEvents.CreateSerializer();
        var box = new OrientedBox3D(new Point3D(0.1, 0.2, 0.5), new Point3D(0.06, 0.1, 0.06), Rotation3D.AboutZ(0.3));
        var capabilities = new RobotCapabilities(RobotKind.Mobile, new AxisAlignedBox3D(new Point3D(-1, -1, 0), new Point3D(1, 1, 2)), 0.9, 3, new HashSet<string> { "pick", "wipe" });
        var plan = new Plan([new PlannedStep(0, StepAction.PickAndPlace, "red cup", "plate", "left of", "pick up the red cup", new SuccessCheck(SuccessCheckKind.ObjectAtDestination, "on the plate"))], "rule", ["note"]);
        var frame = new SceneFrame(new BlobReference(new string('a', 64)), null, new CameraCalibration(600, 600, 320, 240, 640, 480), At);
        object[] events =
        [
            new RobotRegistered(new RobotId("r1"), capabilities, new SceneId("table"), At),
            new TaskPlanned(plan, At),
            new TaskSubmitted(new TaskId("t1"), "do it", null, new SceneId("table"), At),
            new TraceAssigned(0, new TraceId("tr1"), new SpatialTrace([new Point3D(0, 0, 0.5)], [new Point2D(1, 2)], "fake"), new RobotId("r1"), "cup", null, At),
            new SceneObservationMerged([new SceneObjectState("cup", "red cup", box, 0.9, At)], [], frame, At),
            new StepAttemptFailed(0, FailureCategory.Robot, "slipped", RobotFailureKind.Grasp, At),
        ];

        foreach (var original in events)
        {
            var data = serializer.Serialize(original);
            var recorded = new RecordedEvent("s", 1, 1, data.EventType, data.Data, At, null);
            var back = serializer.Deserialize(recorded);
            // Records with lists compare by reference: compare their JSON instead.
            Assert.Equal(Encoding.UTF8.GetString(data.Data.Span), Encoding.UTF8.GetString(serializer.Serialize(back).Data.Span));
        }
        var robot = (RobotRegistered)serializer.Deserialize(Recorded(serializer, events[0]));
        Assert.True(robot.Capabilities.Actions.SetEquals(["pick", "wipe"]));
        Assert.Equal(capabilities.Workspace, robot.Capabilities.Workspace);
        var observed = (SceneObservationMerged)serializer.Deserialize(Recorded(serializer, events[4]));
        Assert.Equal(box.Center, observed.Objects[0].Box.Center);
        Assert.Equal(box.Rotation.M12, observed.Objects[0].Box.Rotation.M12, 12);
    }

    [Fact]
    public void Stored_json_is_compact_and_names_enums()
    {
        var data = FleetEvents.CreateSerializer().Serialize(new StepAttemptFailed(2, FailureCategory.Timeout, "slow", null, At));

        var json = Encoding.UTF8.GetString(data.Data.Span);

        Assert.Contains("\"category\":\"Timeout\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("robotFailure", json, StringComparison.Ordinal);
    }

    private static RecordedEvent Recorded(RoboTracer.Fleet.EventStore.Serialization.EventSerializer serializer, object e)
    {
        var data = serializer.Serialize(e);
        return new RecordedEvent("s", 1, 1, data.EventType, data.Data, At, null);
    }
}
