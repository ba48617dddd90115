using System.Text.Json;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Grpc;

/// <summary>
/// <c>grpc-server ours|limit</c>: hosts one .NET server under test in its own process (so a load generator in
/// another process shares neither its GC nor its thread pool) and speaks the peers' start-up protocol:
/// <c>{"event":"listening","port":N}</c> on stdout, shut down when stdin closes.
/// </summary>
internal static class GrpcServerCommand
{
    public const string Name = "grpc-server";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length != 1 || !Enum.TryParse<EchoServerKind>(args[0], ignoreCase: true, out var kind))
        {
            throw new UsageException($"usage: {Name} ours|limit");
        }
        await using var app = EchoServerHost.Build(kind);
        await app.StartAsync(cancellationToken);
        var port = new Uri(app.Urls.Single()).Port;
        Console.Out.WriteLine(JsonSerializer.Serialize(new { @event = "listening", port }));
        Console.Out.Flush();

        await StdinWatch.ClosedAsync().WaitAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return RootCommand.Success;
    }
}
