namespace RoboTracer.Fleet.Inference.Worker;

/// <summary>
/// Warms every backend while the worker reports NOT_SERVING, and drains on shutdown (SIGTERM): health goes
/// NOT_SERVING, new requests get UNAVAILABLE, and stopping waits for the in-flight ones. Grpc.AspNetCore.HealthChecks
/// ends the Watch streams with NOT_SERVING when the application stops, which comes after <see cref="StoppingAsync"/>
/// on <c>StopAsync</c> and before it on Ctrl-C or SIGTERM; <see cref="WorkerState.Admit"/> refuses in both orders.
/// </summary>
/// <remarks>
/// The order against the web server matters, and registration order cannot give it: <c>WebApplicationBuilder</c>
/// adds the server's hosted service last, so it starts after every other hosted service and stops before them.
/// A plain <see cref="IHostedService"/> would warm up before anyone can ask for health, and drain after the server
/// has stopped taking calls. The lifecycle hooks run on the right side of the server: <see cref="StartedAsync"/>
/// after it listens, <see cref="StoppingAsync"/> before it stops.
/// </remarks>
public sealed partial class WorkerLifecycle(WorkerState state, BackendRegistry backends, ILogger<WorkerLifecycle> logger) : IHostedLifecycleService
{
    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Before the server listens, so no Watch stream starts from a status that was never pushed.
        state.MarkWarming();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var batcher in backends.All)
        {
            try
            {
                await batcher.Backend.WarmUpAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A backend that cannot load (a missing model, one that does not fit its contract) leaves the worker
                // up but NOT_SERVING, saying why: health checks and the pool route around it, and the operator reads
                // the reason here and in every refusal, instead of a crash loop or a failure at the first request.
                LogWarmUpFailed(logger, batcher.Backend.Name, ex.Message, ex);
                state.MarkFailed($"Backend '{batcher.Backend.Name}' failed to load: {ex.Message}");
                return;
            }
            LogWarm(logger, batcher.Backend.Name, batcher.Backend.Model);
        }
        state.MarkServing();
    }

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        LogDraining(logger, state.InFlight);
        try
        {
            await state.DrainAsync().WaitAsync(cancellationToken);
            LogDrained(logger);
        }
        catch (OperationCanceledException)
        {
            LogDrainTimedOut(logger, state.InFlight);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StoppedAsync(CancellationToken cancellationToken) =>
        // The server has stopped: nothing can queue any more.
        await backends.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Backend {Backend} ready (model {Model})")]
    private static partial void LogWarm(ILogger logger, string backend, string model);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backend {Backend} failed to load; the worker stays NOT_SERVING: {Reason}")]
    private static partial void LogWarmUpFailed(ILogger logger, string backend, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: NOT_SERVING, waiting for {InFlight} in-flight requests")]
    private static partial void LogDraining(ILogger logger, int inFlight);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: no request in flight")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timeout reached with {InFlight} requests still in flight")]
    private static partial void LogDrainTimedOut(ILogger logger, int inFlight);
}
