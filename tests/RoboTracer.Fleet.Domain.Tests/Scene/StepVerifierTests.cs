using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Domain.Tests.Scene;

public sealed class StepVerifierTests
{
    private static readonly Point3D CupStart = new(0.1, 0, 0.5);
    private static readonly Point3D PlateAt = new(0.4, 0, 0.5);
    private static readonly Point3D TraceEnd = new(0.4, -0.05, 0.5);

    [Fact]
    public void The_bound_object_at_the_end_of_the_trace_succeeds()
    {
        var verdict = StepVerifier.Verify(Expect(SuccessCheckKind.ObjectAtDestination), After(Cup(TraceEnd), Plate(PlateAt)));

        Assert.Equal(new StepVerdict(true, "the red cup (cup-1) is 0.00 m from where the trace ends"), verdict);
    }

    [Fact]
    public void Another_object_moved_instead_of_the_bound_one_is_named()
    {
        var verdict = StepVerifier.Verify(Expect(SuccessCheckKind.ObjectAtDestination), After(Cup(CupStart), Plate(TraceEnd)));

        Assert.Equal(new StepVerdict(false, "the robot moved the white plate (plate-1) by 0.05 m instead of the red cup (cup-1); the red cup (cup-1) is 0.30 m from where the trace ends"), verdict);
    }

    [Fact]
    public void A_bound_object_that_did_not_move_fails_a_moved_check()
    {
        var verdict = StepVerifier.Verify(Expect(SuccessCheckKind.ObjectMoved), After(Cup(CupStart + new Point3D(0.01, 0, 0)), Plate(PlateAt)));

        Assert.Equal(new StepVerdict(false, "the red cup (cup-1) did not move"), verdict);
    }

    [Fact]
    public void A_moved_check_passes_and_still_says_what_else_moved()
    {
        var verdict = StepVerifier.Verify(Expect(SuccessCheckKind.ObjectMoved), After(Cup(CupStart + new Point3D(0, 0.2, 0)), Plate(PlateAt + new Point3D(0, 0, 0.1))));

        Assert.Equal(new StepVerdict(true, "the red cup (cup-1) moved 0.20 m; also moved: white plate (plate-1) by 0.10 m"), verdict);
    }

    [Fact]
    public void A_bound_object_gone_from_scene_memory_fails()
    {
        var verdict = StepVerifier.Verify(Expect(SuccessCheckKind.ObjectAtDestination), After(Plate(PlateAt)));

        Assert.Equal(new StepVerdict(false, "the red cup (cup-1) is no longer in scene memory"), verdict);
    }

    private static StepExpectation Expect(SuccessCheckKind check) =>
        new(check, "cup-1", "the red cup", CupStart, TraceEnd, [new ObjectPosition("cup-1", CupStart), new ObjectPosition("plate-1", PlateAt)], Radius: 0.1, MoveTolerance: 0.03);

    private static SceneSnapshot After(params SceneObjectState[] objects) => new("table-1", objects, DateTimeOffset.UnixEpoch);

    private static SceneObjectState Cup(Point3D at) => Object("cup-1", "red cup", at);

    private static SceneObjectState Plate(Point3D at) => Object("plate-1", "white plate", at);

    private static SceneObjectState Object(string id, string label, Point3D at) =>
        new(id, label, new OrientedBox3D(at, new Point3D(0.06, 0.1, 0.06), Rotation3D.Identity), 0.9, DateTimeOffset.UnixEpoch);
}
