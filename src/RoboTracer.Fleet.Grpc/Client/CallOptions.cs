namespace RoboTracer.Fleet.Grpc.Client;

/// <summary>Per-call settings.</summary>
/// <param name="Headers">Custom metadata sent as request headers.</param>
/// <param name="Deadline">When the call must be over (UTC); sent as <c>grpc-timeout</c> and enforced locally too.</param>
/// <param name="CancellationToken">Cancels the call: the stream is reset (RST_STREAM) and the server's token fires.</param>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default)
{
    /// <summary>These options with a deadline <paramref name="timeout"/> from now.</summary>
    public CallOptions WithTimeout(TimeSpan timeout) => this with { Deadline = DateTime.UtcNow + timeout };
}
