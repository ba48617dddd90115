namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>What one run of our client as the load generator measured.</summary>
internal sealed record ClientLoadResult(double CallsPerSecond, long Calls, double P50Ms, double P99Ms);
