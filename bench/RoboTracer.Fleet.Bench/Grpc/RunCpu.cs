namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>Cores used during one measured run (warm-up included) by the server, the load generator, and the rest.</summary>
internal readonly record struct RunCpu(double Server, double LoadGenerator, double Others);
