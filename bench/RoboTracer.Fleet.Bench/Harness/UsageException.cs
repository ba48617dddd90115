namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>Bad command-line arguments; the message says what is accepted.</summary>
internal sealed class UsageException(string message) : Exception(message);
