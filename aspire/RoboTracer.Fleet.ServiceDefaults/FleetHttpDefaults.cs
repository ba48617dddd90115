using Polly;
using Polly.Retry;

namespace RoboTracer.Fleet.ServiceDefaults;

/// <summary>
/// The HttpClient defaults of <see cref="Extensions.AddServiceDefaults{TBuilder}"/>, a small stand-in for
/// Microsoft.Extensions.Http.Resilience's standard handler (not in our registry; DESIGN.md §2).
/// </summary>
public static class FleetHttpDefaults
{
    /// <summary>The whole request, retries included, until the response headers arrive.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetryAttempts = 3;

    /// <summary>
    /// Retries on a connection failure, 408, 429 and 5xx, with exponential backoff and jitter from 200 ms. Only for
    /// idempotent methods (see <see cref="IsIdempotent"/>): a POST may have taken effect before its response was lost.
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> RetryPipeline { get; } = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            OnRetry = args =>
            {
                // The failed response is dropped for the next attempt; release its connection.
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>True for the methods RFC 9110 §9.2.2 calls idempotent.</summary>
    public static bool IsIdempotent(HttpMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options ||
            method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        // A cancelled call (the caller's token or HttpClient's timeout) is final.
        { Exception: OperationCanceledException } => false,
        { Exception: HttpRequestException } => true,
        { Result: { } response } => (int)response.StatusCode is 408 or 429 or >= 500,
        _ => false,
    };
}
