namespace RoboTracer.Fleet.EventStore;

/// <summary>A blob is larger than <see cref="EventStoreOptions.MaxBlobBytes"/>; nothing was stored.</summary>
public sealed class BlobTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public BlobTooLargeException(long size, long limit)
        : base($"The blob is {size} bytes; the limit is {limit} bytes (EventStoreOptions.MaxBlobBytes).", "content")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>The blob's size in bytes.</summary>
    public long Size { get; }

    /// <summary>The configured limit in bytes.</summary>
    public long Limit { get; }
}
