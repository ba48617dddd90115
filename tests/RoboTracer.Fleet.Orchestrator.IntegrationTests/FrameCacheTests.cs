using RoboTracer.Fleet.Domain.Scene;
using RoboTracer.Fleet.EventStore.Sqlite;
using RoboTracer.Fleet.Orchestrator.Tracing;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>The frames trace requests are built from, read once from a real (SQLite) store and kept decoded.</summary>
public sealed class FrameCacheTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("frame-cache-").FullName;
    private SqliteEventStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteEventStore.OpenAsync(Path.Combine(_folder, "fleet.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_depth_frame_is_decoded_once_and_served_from_memory_after()
    {
        using var frames = new FrameCache(_store, capacityBytes: 1 << 20);
        var depth = await PutDepthAsync(0.75f);

        var first = await frames.GetDepthAsync(depth, CancellationToken.None);
        var second = await frames.GetDepthAsync(depth, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(0.75, first[3, 2], 3);
    }

    [Fact]
    public async Task A_frame_larger_than_the_cache_is_read_each_time_and_still_right()
    {
        using var frames = new FrameCache(_store, capacityBytes: 16);
        var depth = await PutDepthAsync(1.25f);

        var first = await frames.GetDepthAsync(depth, CancellationToken.None);
        var second = await frames.GetDepthAsync(depth, CancellationToken.None);

        Assert.NotSame(first, second);
        Assert.Equal(1.25, second[3, 2], 3);
    }

    [Fact]
    public async Task The_image_bytes_come_back_as_stored()
    {
        using var frames = new FrameCache(_store, capacityBytes: 1 << 20);
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
        var image = new BlobReference((await _store.PutBlobAsync(png)).ToString());

        Assert.Equal(png, await frames.GetImageAsync(image, CancellationToken.None));
    }

    [Fact]
    public async Task A_blob_the_store_does_not_have_is_a_clear_error()
    {
        using var frames = new FrameCache(_store, capacityBytes: 1 << 20);
        var missing = new BlobReference(new string('a', 64));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => frames.GetDepthAsync(missing, CancellationToken.None));

        Assert.Contains("depth blob " + missing.Sha256 + " is missing", error.Message, StringComparison.Ordinal);
    }

    private async Task<BlobReference> PutDepthAsync(float metres)
    {
        var depth = new DepthImage(8, 6, Enumerable.Repeat(metres, 8 * 6).ToArray());
        return new BlobReference((await _store.PutBlobAsync(depth.ToPng())).ToString());
    }
}
