using System.Collections.Concurrent;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>
/// A grain call filter a test adds to its orchestrator's silo, to await the calls the silo makes on its own — the
/// Orleans Dashboard's refreshes, the profiler's submissions, the silo's counter reports — instead of sleeping between
/// reads of the dashboard.
/// </summary>
public sealed class GrainCallWatch : IIncomingGrainCallFilter
{
    /// <summary>The dashboard grain asks the management grain for the silos when it refreshes its counters.</summary>
    public const string HostsRefreshed = "Orleans.Runtime.IManagementGrain.GetDetailedHosts";

    /// <summary>Each silo sends the dashboard its profiler's calls every second.</summary>
    public const string ProfilerSubmitted = "Orleans.Dashboard.Core.IDashboardGrain.SubmitTracing";

    /// <summary>Each silo reports its counters to the dashboard's silo service every second.</summary>
    public const string CountersReported = "Orleans.Dashboard.Core.ISiloGrainService.ReportCounters";

    private readonly ConcurrentDictionary<string, List<TaskCompletionSource>> _waiting = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes when a call of <paramref name="method"/> (<c>Namespace.Interface.Method</c>) that started after this
    /// was asked has finished.
    /// </summary>
    public Task NextCompletedAsync(string method)
    {
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = _waiting.GetOrAdd(method, _ => []);
        lock (waiting)
        {
            waiting.Add(completed);
        }
        return completed.Task;
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Taken as the call starts: whoever asks later waits for a later call.
        List<TaskCompletionSource> started = [];
        if (_waiting.TryGetValue($"{context.InterfaceMethod?.DeclaringType?.FullName}.{context.InterfaceMethod?.Name}", out var waiting))
        {
            lock (waiting)
            {
                started.AddRange(waiting);
                waiting.Clear();
            }
        }
        try
        {
            await context.Invoke();
        }
        finally
        {
            started.ForEach(w => w.TrySetResult());
        }
    }
}
