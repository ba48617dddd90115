namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>A measurement that cannot be trusted (errors under load, a server that did not start, a tool missing).</summary>
internal sealed class BenchmarkFailedException(string message, Exception? inner = null) : Exception(message, inner);
