using RoboTracer.Fleet.Bench.AppHost;
using RoboTracer.Fleet.Bench.Codecs;
using RoboTracer.Fleet.Bench.Eval;
using RoboTracer.Fleet.Bench.EventStore;
using RoboTracer.Fleet.Bench.Fleet;
using RoboTracer.Fleet.Bench.Fuzz;
using RoboTracer.Fleet.Bench.Grains;
using RoboTracer.Fleet.Bench.Grpc;
using RoboTracer.Fleet.Bench.Onnx;
using RoboTracer.Fleet.Bench.Pool;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench;

/// <summary>The benchmark names of DESIGN.md §4, each bound to what runs it.</summary>
internal static class BenchCommand
{
    public static RootCommand BuildRootCommand() => new RootCommand()
        .Add("grpc", GrpcBenchmark.RunAsync)
        .Add("eventstore", EventStoreBenchmarkCommand.RunAsync)
        .Add("grains", GrainsBenchmarkCommand.RunAsync)
        .Add("pool", PoolBenchmarkCommand.RunAsync)
        .Add("fleet", FleetBenchmarkCommand.RunAsync)
        .Add("eval", EvalBenchmarkCommand.RunAsync)
        .Add("codecs", CodecsBenchmarkCommand.RunAsync)
        .Add("onnx", OnnxBenchmarkCommand.RunAsync)
        .Add("fuzz", FuzzBenchmarkCommand.RunAsync)
        .Add("apphost", AppHostBenchmarkCommand.RunAsync)
        // Not a benchmark: the server under test, run as a child process by `grpc` (see GrpcServerCommand).
        .AddHidden(GrpcServerCommand.Name, GrpcServerCommand.RunAsync)
        // Not a benchmark: the orchestrator under test, run as a child process by `fleet` (see FleetOrchestratorCommand).
        .AddHidden(FleetOrchestratorCommand.Name, FleetOrchestratorCommand.RunAsync);
}
