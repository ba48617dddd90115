namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>CPU used during one measurement, in cores (1.0 = one core busy all the time).</summary>
/// <param name="ForeignCores">Used by processes that are not ours, plus time stolen by the hypervisor.</param>
/// <param name="CoresByProcess">Used by each of our processes; this process includes the children it waited for.</param>
internal sealed record CpuUsage(double ForeignCores, IReadOnlyDictionary<int, double> CoresByProcess)
{
    public double Of(int pid) => CoresByProcess.GetValueOrDefault(pid);
}
