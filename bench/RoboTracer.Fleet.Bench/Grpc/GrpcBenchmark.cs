using System.Buffers.Binary;
using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// <c>grpc [--quick]</c>: unary echo calls/s and latency on loopback, with one load generator (h2load) driving, side
/// by side in one run, our server (Grpc.AspNetCore), the grpcio peer, a bare Kestrel endpoint (the limit) and, where
/// Node runs, @grpc/grpc-js; then our client (Grpc.Net.Client) driving our server. Every server runs in its own process. Each measurement is repeated and the median reported.
/// </summary>
internal static partial class GrpcBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var settings = ParseArguments(args);
        var progress = new Progress("grpc");
        var h2load = H2Load.Locate();
        var peerScript = Path.Combine(RepositoryPaths.Root, "tests", "peers", "echo_server.py");
        if (!File.Exists(PythonPath) || !File.Exists(peerScript))
        {
            throw new BenchmarkFailedException($"The grpcio peer needs {PythonPath} (Debian python3-grpcio) and {peerScript}.");
        }
        progress.Report($"{(settings.Quick ? "quick" : "full")} run: h2load {settings.Load}, {settings.Runs} run(s) per server, our client with {settings.ClientConcurrency} calls in flight");

        var work = Directory.CreateTempSubdirectory("fleet-bench-grpc-");
        Measurements runs;
        try
        {
            var grpcJs = await GrpcJsStartInfoAsync(progress, cancellationToken);
            runs = await MeasureAsync(settings, h2load, peerScript, grpcJs, work.FullName, progress, cancellationToken);
        }
        finally
        {
            work.Delete(recursive: true);
        }

        // Printed once the servers are gone, so none of their output can follow the result line.
        var report = BuildReport(settings, runs, await PeerVersionAsync(cancellationToken), await H2Load.VersionAsync(h2load, cancellationToken));
        progress.Report($"done in {progress.Elapsed.TotalSeconds:0} s");
        Console.Out.WriteLine(report.ToJsonString());
        return RootCommand.Success;
    }

    private static async Task<Measurements> MeasureAsync(GrpcBenchSettings settings, string h2load, string peerScript, ProcessStartInfo? grpcJs, string work, Progress progress, CancellationToken cancellationToken)
    {
        var request = new BytesValue { Value = ByteString.CopyFrom(Enumerable.Range(0, GrpcBenchSettings.PayloadSize).Select(i => (byte)i).ToArray()) };
        var bodyFile = Path.Combine(work, "request.bin");
        await File.WriteAllBytesAsync(bodyFile, Frame(request), cancellationToken);

        await using var servers = await StartServersAsync(peerScript, grpcJs, progress, cancellationToken);
        foreach (var server in servers.All)
        {
            await EchoCheck.VerifyAsync(server.Name, server.Address, request, cancellationToken);
        }
        progress.Report("each server answered a check call from our client with grpc-status 0 and the echo");

        var priming = settings.Load with { WarmUp = TimeSpan.Zero, Duration = settings.PrimingRun };
        foreach (var server in servers.All)
        {
            await H2Load.RunAsync(h2load, UnaryUrl(server), bodyFile, priming, work, cancellationToken);
            progress.Report($"primed {server.Name} ({settings.PrimingRun.TotalSeconds:0} s, not recorded)");
        }
        // Our client runs in this process: its JIT tiering has to be done too before it is measured.
        await ClientLoad.RunAsync(servers.Ours.Address, request, settings.ClientConcurrency, TimeSpan.Zero, settings.PrimingRun, cancellationToken);
        progress.Report($"primed our client ({settings.PrimingRun.TotalSeconds:0} s, not recorded)");

        var runs = new Measurements();
        var measure = new MeasuredRun(new CpuWatch(() => servers.All.Select(server => server.ProcessId)), progress, settings.Repeats);
        for (var run = 1; run <= settings.Runs; run++)
        {
            // Servers take turns inside each round, so slow drift of the machine hits all of them alike.
            foreach (var server in servers.All)
            {
                var label = $"run {run}/{settings.Runs} h2load -> {server.Name,-5}";
                var (result, usage) = await measure.RunAsync(label, () => H2Load.RunAsync(h2load, UnaryUrl(server), bodyFile, settings.Load, work, cancellationToken));
                // h2load is a child of this process: its CPU time is in ours once it has exited.
                var cpu = new RunCpu(usage.Of(server.ProcessId), usage.Of(Environment.ProcessId), usage.ForeignCores);
                runs.Of(server.Name).Add((result, cpu));
                progress.Report($"{label}: {result.RequestsPerSecond,7:0} calls/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  (mean {result.MeanMs:0.00} sd {result.SdMs:0.00} max {result.MaxMs:0.00} ms; {result.Succeeded} ok; {Describe(cpu, "h2load")})");
            }
            var clientLabel = $"run {run}/{settings.Runs} client -> ours ";
            var (client, clientUsage) = await measure.RunAsync(clientLabel, () => ClientLoad.RunAsync(servers.Ours.Address, request, settings.ClientConcurrency, settings.Load.WarmUp, settings.Load.Duration, cancellationToken));
            var clientCpu = new RunCpu(clientUsage.Of(servers.Ours.ProcessId), clientUsage.Of(Environment.ProcessId), clientUsage.ForeignCores);
            runs.Client.Add((client, clientCpu));
            progress.Report($"{clientLabel}: {client.CallsPerSecond,7:0} calls/s  p50 {client.P50Ms,6:0.00} ms  p99 {client.P99Ms,6:0.00} ms  ({client.Calls} ok; {Describe(clientCpu, "client")})");
        }
        return runs;
    }

    private static GrpcBenchSettings ParseArguments(string[] args)
    {
        var quick = false;
        foreach (var arg in args)
        {
            quick = arg switch
            {
                "--quick" => true,
                _ => throw new UsageException($"grpc: unknown option '{arg}'; usage: grpc [--quick]"),
            };
        }
        return quick ? GrpcBenchSettings.QuickRun : GrpcBenchSettings.Full;
    }

    private static string Describe(RunCpu cpu, string loadGenerator) =>
        $"cores used: server {cpu.Server:0.00}, {loadGenerator} {cpu.LoadGenerator:0.00}, others {cpu.Others:0.00}";

    private static string UnaryUrl(ServerProcess server) => server.Address + EchoService.Unary.FullName;

    /// <summary>The request as h2load sends it: one length-prefixed message (flag 0, big-endian length, BytesValue).</summary>
    private static byte[] Frame(BytesValue message)
    {
        var payload = message.ToByteArray();
        var framed = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }

    /// <summary>The runs of one benchmark invocation, by server.</summary>
    private sealed class Measurements
    {
        public Dictionary<string, List<(H2LoadResult Result, RunCpu Cpu)>> H2Load { get; } = [];

        public List<(H2LoadResult Result, RunCpu Cpu)> Of(string server) =>
            H2Load.TryGetValue(server, out var list) ? list : H2Load[server] = [];

        public List<(ClientLoadResult Result, RunCpu Cpu)> Client { get; } = [];
    }
}
