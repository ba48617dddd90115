using System.Diagnostics;
using System.Reflection;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

internal static partial class GrpcBenchmark
{
    private const string OursName = "ours";
    private const string PeerName = "peer";
    private const string LimitName = "limit";
    private const string GrpcJsName = "grpcjs";

    /// <summary>Debian's interpreter, which has python3-grpcio; the python3 first on PATH may not (DESIGN.md §2).</summary>
    private const string PythonPath = "/usr/bin/python3";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts the servers side by side (grpc-js only when <paramref name="grpcJs"/> has a start command); each prints
    /// its port and dies with this process.
    /// </summary>
    private static async Task<ServerSet> StartServersAsync(string peerScript, ProcessStartInfo? grpcJs, Progress progress, CancellationToken cancellationToken)
    {
        var ours = ServerProcess.StartAsync(OursName, SelfStartInfo(EchoServerKind.Ours), StartTimeout, cancellationToken);
        var limit = ServerProcess.StartAsync(LimitName, SelfStartInfo(EchoServerKind.Limit), StartTimeout, cancellationToken);
        var peer = ServerProcess.StartAsync(PeerName, PeerStartInfo(peerScript), StartTimeout, cancellationToken);
        var node = grpcJs is null ? Task.FromResult<ServerProcess?>(null) : StartOptionalAsync(GrpcJsName, grpcJs, cancellationToken);
        try
        {
            await Task.WhenAll(ours, limit, peer);
            await node;
        }
        catch
        {
            foreach (var started in new[] { ours, limit, peer }.Where(task => task.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }
            if (node is { IsCompletedSuccessfully: true, Result: { } nodeServer })
            {
                await nodeServer.DisposeAsync();
            }
            throw;
        }
        var set = new ServerSet(ours.Result, peer.Result, limit.Result, node.Result);
        foreach (var server in set.All)
        {
            progress.Report($"{server.Name,-6} listening on {server.Address} (pid {server.ProcessId})");
        }
        return set;

        static async Task<ServerProcess?> StartOptionalAsync(string name, ProcessStartInfo startInfo, CancellationToken cancellationToken) =>
            await ServerProcess.StartAsync(name, startInfo, StartTimeout, cancellationToken);
    }

    /// <summary>
    /// bench/peers/grpc-js/echo_server.js on Node, after <c>npm ci</c> in its folder when its packages are missing;
    /// null, with the reason reported, when Node or the package cannot be had here.
    /// </summary>
    private static async Task<ProcessStartInfo?> GrpcJsStartInfoAsync(Progress progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "bench", "peers", "grpc-js");
        if (!File.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js", "package.json")))
        {
            progress.Report("grpc-js: installing @grpc/grpc-js (npm ci in bench/peers/grpc-js)");
            var (exitCode, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, cancellationToken);
            if (exitCode != 0)
            {
                progress.Report($"grpc-js: left out, npm ci failed ({exitCode}): {output.Trim()}");
                return null;
            }
        }
        var (versionExit, version) = await RunAsync("node", ["--version"], folder, cancellationToken);
        if (versionExit != 0)
        {
            progress.Report("grpc-js: left out, node is not on PATH");
            return null;
        }
        GrpcJsNodeVersion = version.Trim();
        using var package = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "node_modules", "@grpc", "grpc-js", "package.json"), cancellationToken));
        GrpcJsVersion = package.RootElement.GetProperty("version").GetString();
        var startInfo = new ProcessStartInfo("node") { WorkingDirectory = folder };
        startInfo.ArgumentList.Add("echo_server.js");
        return startInfo;
    }

    /// <summary>The Node version that ran the grpc-js peer, for the result line.</summary>
    private static string? GrpcJsNodeVersion { get; set; }

    /// <summary>The installed @grpc/grpc-js version, for the result line.</summary>
    private static string? GrpcJsVersion { get; set; }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(startInfo)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
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
    private sealed class ServerSet(ServerProcess ours, ServerProcess peer, ServerProcess limit, ServerProcess? grpcJs) : IAsyncDisposable
    {
        public ServerProcess Ours { get; } = ours;

        public IReadOnlyList<ServerProcess> All { get; } = grpcJs is null ? [ours, peer, limit] : [ours, peer, limit, grpcJs];

        public async ValueTask DisposeAsync()
        {
            foreach (var server in All)
            {
                await server.DisposeAsync();
            }
        }
    }
}
