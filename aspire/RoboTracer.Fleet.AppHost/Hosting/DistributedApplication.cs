using System.Collections.Concurrent;

namespace RoboTracer.Fleet.AppHost.Hosting;

/// <summary>
/// Runs the model: each resource starts once the resources it waits for are healthy; every replica is supervised
/// (restarted with backoff when it dies); on stop, resources stop in reverse order, dependents first, so the
/// orchestrator never sees its pool vanish before it is told to stop.
/// </summary>
internal sealed class DistributedApplication(DistributedApplicationModel model, LogPrefixer log, TimeSpan readyTimeout)
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<Resource, TaskCompletionSource> _ready = model.Resources.ToDictionary(r => r, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    private readonly ConcurrentDictionary<string, ChildSupervisor> _supervisors = new(StringComparer.Ordinal);

    public DistributedApplicationModel Model { get; } = model;

    /// <summary>The supervisor of a replica by its name (<c>pool-0</c>, <c>orchestrator</c>), once started.</summary>
    public ChildSupervisor? Supervisor(string replicaName) => _supervisors.GetValueOrDefault(replicaName);

    /// <summary>Completes when every replica of the resource is healthy (started, for one without a health check).</summary>
    public Task WaitForResourceReadyAsync(string name, CancellationToken cancellationToken) => _ready[Model[name]].Task.WaitAsync(cancellationToken);

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled (0) or a resource does not become healthy in time (1).</summary>
    public async Task<int> RunAsync(CancellationToken stoppingToken)
    {
        using var failed = new CancellationTokenSource();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, failed.Token);
        var resourceStops = Model.Resources.ToDictionary(r => r, _ => new CancellationTokenSource());
        var runs = Model.Resources.ToDictionary(r => r, _ => new ConcurrentBag<Task>());
        try
        {
            var starts = Model.Resources.Select(r => StartResourceAsync(r, runs[r], resourceStops[r].Token, failed, stopping.Token)).ToList();
            try
            {
                await Task.Delay(Timeout.Infinite, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stop requested, or a resource failed to start.
            }
            log.Host("stopping");
            try
            {
                await Task.WhenAll(starts);
            }
            catch (Exception e)
            {
                // Whatever went wrong while starting, the children that did start must still be stopped below.
                log.Host($"a resource failed while starting: {e.Message}");
            }
            foreach (var resource in Model.Resources.Reverse())
            {
                await resourceStops[resource].CancelAsync();
                await Task.WhenAll(runs[resource]);
            }
            log.Host("stopped");
            return failed.IsCancellationRequested ? 1 : 0;
        }
        finally
        {
            foreach (var stop in resourceStops.Values)
            {
                stop.Dispose();
            }
        }
    }

    private async Task StartResourceAsync(Resource resource, ConcurrentBag<Task> runs, CancellationToken resourceStop, CancellationTokenSource failed, CancellationToken stopping)
    {
        try
        {
            await Task.WhenAll(resource.WaitsFor.Select(d => _ready[d].Task)).WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        for (var replica = 0; replica < resource.Replicas; replica++)
        {
            var spec = Model.ProcessSpecFor(resource, replica);
            var supervisor = new ChildSupervisor(spec, resource.RestartPolicy, log);
            _supervisors[spec.Name] = supervisor;
            runs.Add(supervisor.RunAsync(resourceStop));
        }
        log.Host($"{resource.Name}: started {Describe(resource)}");
        if (resource.HealthProbe is not { } probe)
        {
            _ready[resource].TrySetResult();
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(readyTimeout);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, resource.Replicas).Select(replica => WaitHealthyAsync(probe, Model.Url(resource, probe.EndpointName, replica), timeout.Token)));
            log.Host($"{resource.Name}: healthy");
            _ready[resource].TrySetResult();
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            log.Host($"{resource.Name} did not become healthy within {readyTimeout.TotalSeconds:0} s; stopping everything");
            await failed.CancelAsync();
        }
        catch (OperationCanceledException)
        {
            // Stopped before it became healthy.
        }
    }

    private static async Task WaitHealthyAsync(HealthProbe probe, string url, CancellationToken cancellationToken)
    {
        while (!await probe.CheckAsync(url, cancellationToken))
        {
            await Task.Delay(ProbeInterval, cancellationToken);
        }
    }

    private string Describe(Resource resource)
    {
        var replicas = resource.Replicas == 1 ? "" : $"{resource.Replicas} replicas, ";
        var endpoints = string.Join(", ", resource.Endpoints.SelectMany(e => Enumerable.Range(0, resource.Replicas).Select(i => $"{e.Name} {Model.Url(resource, e.Name, i)}")));
        return $"({replicas}{(endpoints.Length == 0 ? "no endpoints" : endpoints)})";
    }
}
