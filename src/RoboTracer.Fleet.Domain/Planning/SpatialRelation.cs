namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>
/// How a step's object ends up relative to its destination. The words that name each relation, their canonical
/// text and how a plan writes them are in <see cref="SpatialRelations"/>: the planner reads them from there, the
/// step verifier judges by them (<see cref="Scene.PlacementRelation"/>) and the geometric backend places by them.
/// </summary>
public enum SpatialRelation
{
    /// <summary>"to the left of", "on the left side of", "left of" …: beside it, on the image's left.</summary>
    LeftOf,
    /// <summary>"to the right of", "on the right side of", "right of" …: beside it, on the image's right.</summary>
    RightOf,
    /// <summary>"in front of": beside it, on the side towards the camera.</summary>
    InFrontOf,
    /// <summary>"behind", "in back of": beside it, on the side away from the camera.</summary>
    Behind,
    /// <summary>"next to", "beside".</summary>
    NextTo,
    /// <summary>"near", "close to".</summary>
    Near,
    /// <summary>"between".</summary>
    Between,
    /// <summary>"under", "underneath", "beneath".</summary>
    Under,
    /// <summary>"below".</summary>
    Below,
    /// <summary>"above".</summary>
    Above,
    /// <summary>"over".</summary>
    Over,
    /// <summary>"towards", "toward": closer to it.</summary>
    Towards,
    /// <summary>"on top of" (support).</summary>
    OnTopOf,
    /// <summary>"onto", "on to" (support).</summary>
    Onto,
    /// <summary>"on" (support).</summary>
    On,
    /// <summary>"into", "in to" (containment).</summary>
    Into,
    /// <summary>"inside", "inside of" (containment).</summary>
    Inside,
    /// <summary>"in" (containment).</summary>
    In,
    /// <summary>"to": to it, at it.</summary>
    To,
    /// <summary>"at".</summary>
    At,
}
