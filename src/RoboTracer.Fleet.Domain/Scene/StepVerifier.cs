using System.Globalization;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>What a step's check asks of the scene after the robot reported success.</summary>
/// <param name="Check">The step's check: <see cref="SuccessCheckKind.ObjectAtDestination"/> or <see cref="SuccessCheckKind.ObjectMoved"/>.</param>
/// <param name="ObjectId">The bound object the step moves.</param>
/// <param name="Mention">The object as the plan names it ("the red cup"), for messages.</param>
/// <param name="Start">Where the object was when the trace was made.</param>
/// <param name="End">Where the trace ends: where the object should be.</param>
/// <param name="Before">Where every object was when the trace was made (the scene the tracer saw).</param>
/// <param name="Radius">How close to <paramref name="End"/> the object must be, metres.</param>
/// <param name="MoveTolerance">How far an object may shift and still count as not moved, metres.</param>
/// <param name="DestinationId">The bound destination, when the step has one: the object must stand in the step's relation to it (<see cref="PlacementRelation"/>).</param>
/// <param name="Direction">The step's relation to the destination ("to the left of"), or null for on/in.</param>
public sealed record StepExpectation(
    SuccessCheckKind Check,
    string ObjectId,
    string Mention,
    Point3D Start,
    Point3D End,
    IReadOnlyList<ObjectPosition> Before,
    double Radius,
    double MoveTolerance,
    string? DestinationId = null,
    string? Direction = null);

/// <summary>A verification's decision.</summary>
/// <param name="Succeeded">True when the scene shows the bound object where the check wants it.</param>
/// <param name="Detail">What was seen, in words: the success detail or the failure's reason.</param>
public sealed record StepVerdict(bool Succeeded, string Detail);

/// <summary>
/// Decides a step from the scene after it: the bound object must be where the check wants it (for an at-destination
/// check: where the trace ends, and in the step's relation to the bound destination). When it is not and
/// other objects moved, the robot moved the wrong object, and the verdict says which. Pure: the task grain gives it
/// scene memory's snapshot.
/// </summary>
public static class StepVerifier
{
    /// <summary>The verdict on <paramref name="after"/>.</summary>
    public static StepVerdict Verify(StepExpectation expected, SceneSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(after);
        var others = MovedOthers(expected, after);
        var seen = after.Objects.FirstOrDefault(o => o.Id == expected.ObjectId);
        string failure;
        if (seen is null)
        {
            failure = $"{Name(expected)} is no longer in scene memory";
        }
        else if (expected.Check == SuccessCheckKind.ObjectAtDestination)
        {
            var off = seen.Box.Center.DistanceTo(expected.End);
            var where = $"{Name(seen)} is {Metres(off)} from where the trace ends";
            var destination = after.Objects.FirstOrDefault(o => o.Id == expected.DestinationId);
            var relation = destination is null ? null : PlacementRelation.Problem(expected.Direction, seen, destination);
            if (off <= expected.Radius && relation is null)
            {
                return new StepVerdict(true, where + AlsoMoved(others));
            }
            failure = relation is null ? where : $"{where}, but {relation}";
        }
        else
        {
            var moved = seen.Box.Center.DistanceTo(expected.Start);
            if (moved > expected.MoveTolerance)
            {
                return new StepVerdict(true, $"{Name(seen)} moved {Metres(moved)}" + AlsoMoved(others));
            }
            failure = $"{Name(seen)} did not move";
        }
        return new StepVerdict(false, others.Count == 0
            ? failure
            : $"the robot moved the {List(others)} instead of {Name(seen) ?? Name(expected)}; {failure}");
    }

    /// <summary>Objects other than the bound one whose centre moved more than the tolerance, farthest first.</summary>
    private static List<(SceneObjectState Object, double Moved)> MovedOthers(StepExpectation expected, SceneSnapshot after)
    {
        var before = expected.Before.Where(p => p.ObjectId != expected.ObjectId).ToDictionary(p => p.ObjectId, p => p.Center, StringComparer.Ordinal);
        return after.Objects
            .Where(o => before.ContainsKey(o.Id))
            .Select(o => (Object: o, Moved: o.Box.Center.DistanceTo(before[o.Id])))
            .Where(m => m.Moved > expected.MoveTolerance)
            .OrderByDescending(m => m.Moved)
            .ToList();
    }

    private static string AlsoMoved(List<(SceneObjectState Object, double Moved)> others) =>
        others.Count == 0 ? "" : $"; also moved: {List(others)}";

    private static string List(List<(SceneObjectState Object, double Moved)> others) =>
        string.Join(", ", others.Select(m => $"{m.Object.Label} ({m.Object.Id}) by {Metres(m.Moved)}"));

    private static string Name(StepExpectation expected) => $"{expected.Mention} ({expected.ObjectId})";

    private static string? Name(SceneObjectState? o) => o is null ? null : $"the {o.Label} ({o.Id})";

    private static string Metres(double metres) => metres.ToString("0.00", CultureInfo.InvariantCulture) + " m";
}
