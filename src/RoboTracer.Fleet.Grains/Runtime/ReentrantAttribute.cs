namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// On a grain class: its calls may interleave at <c>await</c> points (Orleans' <c>[Reentrant]</c>). Grain code
/// still runs one piece at a time (never in parallel), but state may change across an <c>await</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute
{
}
