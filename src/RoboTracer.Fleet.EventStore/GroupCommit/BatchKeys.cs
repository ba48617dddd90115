namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>The distinct streams and (stream, idempotency key) pairs of a batch: what its snapshot must look up.</summary>
internal sealed class BatchKeys
{
    private BatchKeys(List<string> streams, List<(string StreamId, string Key)> keys)
    {
        Streams = streams;
        Keys = keys;
    }

    public IReadOnlyList<string> Streams { get; }

    public IReadOnlyList<(string StreamId, string Key)> Keys { get; }

    public static BatchKeys Of(IReadOnlyList<AppendRequest> batch)
    {
        var streams = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<(string, string)>();
        foreach (var request in batch)
        {
            streams.Add(request.StreamId);
            foreach (var e in request.Events)
            {
                if (e.IdempotencyKey is { } key)
                {
                    keys.Add((request.StreamId, key));
                }
            }
        }
        return new BatchKeys([.. streams], [.. keys]);
    }
}
