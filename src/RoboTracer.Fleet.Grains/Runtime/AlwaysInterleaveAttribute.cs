namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// On a grain interface method: calls to it may interleave with any other call of the grain, even in a
/// non-reentrant grain (Orleans' <c>[AlwaysInterleave]</c>). For read-only or commutative methods.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}
