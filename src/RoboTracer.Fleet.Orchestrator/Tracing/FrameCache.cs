using Microsoft.Extensions.Caching.Memory;
using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Orchestrator.Tracing;

/// <summary>
/// The frames that trace requests are built from, kept ready: a blob never changes under its SHA-256, so a frame
/// traced again (the next step of a task, a re-query, a retry, another task in the same scene) costs no store read
/// and no PNG decode. Bounded by bytes; the least recently used frames go first.
/// </summary>
internal sealed class FrameCache(IEventStore store, long capacityBytes) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacityBytes });

    /// <summary>The colour image's encoded bytes, as the robot sent them.</summary>
    /// <exception cref="InvalidOperationException">The blob is not in the store.</exception>
    public Task<byte[]> GetImageAsync(BlobReference blob, CancellationToken cancellationToken) =>
        GetAsync(blob, "image", bytes => bytes, bytes => bytes.Length, cancellationToken);

    /// <summary>The depth image, decoded from its 16-bit millimetre PNG.</summary>
    /// <exception cref="InvalidOperationException">The blob is not in the store.</exception>
    public Task<DepthImage> GetDepthAsync(BlobReference blob, CancellationToken cancellationToken) =>
        GetAsync(blob, "depth", bytes => DepthImage.FromPng(bytes), depth => (long)depth.Width * depth.Height * sizeof(float), cancellationToken);

    public void Dispose() => _cache.Dispose();

    private async Task<T> GetAsync<T>(BlobReference blob, string kind, Func<byte[], T> decode, Func<T, long> size, CancellationToken cancellationToken)
        where T : class
    {
        var key = (kind, blob.Sha256);
        if (_cache.TryGetValue(key, out T? cached) && cached is not null)
        {
            return cached;
        }
        var bytes = await store.GetBlobAsync(BlobHash.Parse(blob.Sha256), cancellationToken)
            ?? throw new InvalidOperationException($"the frame's {kind} blob {blob} is missing from the store");
        var value = decode(bytes);
        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = Math.Max(1, size(value)) });
        return value;
    }
}
