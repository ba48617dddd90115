using System.Diagnostics;
using System.Reflection;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

internal static partial class GrpcBenchmark
{
    private const string OursName = "ours";
    private const string PeerName = "peer";
    private const string LimitName = "limit";

    /// <summary>Debian's interpreter, which has python3-grpcio; the python3 first on PATH may not (DESIGN.md §2).</summary>
    private const string PythonPath = "/usr/bin/python3";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts the three servers side by side; each prints its port and dies with this process.</summary>
    private static async Task<ServerSet> StartServersAsync(string peerScript, Progress progress, CancellationToken cancellationToken)
    {
        var ours = ServerProcess.StartAsync(OursName, SelfStartInfo(EchoServerKind.Ours), StartTimeout, cancellationToken);
        var limit = ServerProcess.StartAsync(LimitName, SelfStartInfo(EchoServerKind.Limit), StartTimeout, cancellationToken);
        var peer = ServerProcess.StartAsync(PeerName, PeerStartInfo(peerScript), StartTimeout, cancellationToken);
        try
        {
            await Task.WhenAll(ours, limit, peer);
        }
        catch
        {
            foreach (var started in new[] { ours, limit, peer }.Where(task => task.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            throw;
        }
        var set = new ServerSet(ours.Result, peer.Result, limit.Result);
        foreach (var server in set.All)
        {
            progress.Report($"{server.Name,-5} listening on {server.Address} (pid {server.ProcessId})");
        }
        return set;
    }

    /// <summary>This same program with the hidden <c>grpc-server</c> command.</summary>
    private static ProcessStartInfo SelfStartInfo(EchoServerKind kind)
    {
        var processPath = Environment.ProcessPath ?? throw new BenchmarkFailedException("Cannot tell which executable is running.");
        var startInfo = new ProcessStartInfo(processPath);
        // Started as `dotnet RoboTracer.Fleet.Bench.dll` rather than through the apphost: pass the assembly again.
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            startInfo.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        startInfo.ArgumentList.Add(GrpcServerCommand.Name);
        startInfo.ArgumentList.Add(kind.ToString().ToLowerInvariant());
        return startInfo;
    }

    /// <summary>
    /// tests/peers/echo_server.py in its <c>--bench</c> mode: Unary registered without (de)serializers, so grpcio
    /// echoes the serialized BytesValue as is, with none of the interop test behaviours. The fastest echo grpcio
    /// offers, byte for byte the response of a parse and re-serialize.
    /// </summary>
    private static ProcessStartInfo PeerStartInfo(string peerScript)
    {
        var startInfo = new ProcessStartInfo(PythonPath)
        {
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in new[] { peerScript, "--port", "0", "--exit-on-stdin-close", "--bench" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        return startInfo;
    }

    private static async Task<string> PeerVersionAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(PythonPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("import grpc; print(grpc.__version__)");
        using var process = Process.Start(startInfo);
        if (process is null)
        {
            return "unknown";
        }
        var version = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0 ? version.Trim() : "unknown";
    }

    /// <summary>The servers under test, in the order each round visits them.</summary>
    private sealed class ServerSet(ServerProcess ours, ServerProcess peer, ServerProcess limit) : IAsyncDisposable
    {
        public ServerProcess Ours { get; } = ours;

        public IReadOnlyList<ServerProcess> All { get; } = [ours, peer, limit];

        public async ValueTask DisposeAsync()
        {
            foreach (var server in All)
            {
                await server.DisposeAsync();
            }
        }
    }
}
