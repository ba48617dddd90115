using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoboTracer.Fleet.Bench.Grpc;
using RoboTracer.Fleet.Bench.Harness;
using RoboTracer.Fleet.Orchestrator;

namespace RoboTracer.Fleet.Bench.Fleet;

/// <summary>
/// <c>fleet-orchestrator SETTINGS.json</c>: the orchestrator under test in its own process, composed as its
/// Program.cs composes it (without the OTLP exporters of ServiceDefaults, which would have nowhere to send), with
/// the settings of the JSON file. Speaks the harness's start-up protocol with both endpoints:
/// <c>{"event":"listening","port":GRPC,"http_port":HTTP}</c>; shut down when stdin closes.
/// </summary>
internal static class FleetOrchestratorCommand
{
    public const string Name = "fleet-orchestrator";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length != 1 || !File.Exists(args[0]))
        {
            throw new UsageException($"usage: {Name} SETTINGS.json");
        }
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddJsonFile(Path.GetFullPath(args[0]), optional: false);
        // Warnings and errors only, to stderr (the harness forwards the first lines): the run's own log is not measured.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddFilter(level => level >= LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddFleetOrchestrator();
        using var probe = new GrainMetricsProbe();
        await using var app = builder.Build();
        app.MapFleetOrchestrator();
        probe.Map(app);
        await app.StartAsync(cancellationToken);
        // Configuration orders the endpoints by name, Grpc before Http, and Kestrel binds them in that order.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToList();
        Console.Out.WriteLine(JsonSerializer.Serialize(new { @event = "listening", port = addresses[0], http_port = addresses[1] }));
        Console.Out.Flush();

        await StdinWatch.ClosedAsync().WaitAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return RootCommand.Success;
    }

    /// <summary>This binary with <c>fleet-orchestrator SETTINGS</c>, as <see cref="GrpcBenchmark"/> starts its servers.</summary>
    public static ProcessStartInfo StartInfo(string settingsPath)
    {
        var processPath = Environment.ProcessPath ?? throw new BenchmarkFailedException("Cannot tell which executable is running.");
        var startInfo = new ProcessStartInfo(processPath);
        // Started as `dotnet RoboTracer.Fleet.Bench.dll` rather than through the apphost: pass the assembly again.
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            startInfo.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        startInfo.ArgumentList.Add(Name);
        startInfo.ArgumentList.Add(settingsPath);
        return startInfo;
    }
}
