namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>The result of a call whose method returns a plain <see cref="Task"/> or <see cref="ValueTask"/>.</summary>
internal readonly record struct Unit;
