namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>
/// On a grain interface method returning <see cref="Task"/> or <see cref="ValueTask"/>: the caller does not wait
/// for it to run; the returned task completes once the message is queued, and a failure is only logged (Orleans'
/// <c>[OneWay]</c>). Used for notifications that go against the call direction (robot → task, scene → task),
/// so that no two grains ever wait on each other.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OneWayAttribute : Attribute
{
}
