using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Sqlite;

namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>A SQLite event store in a fresh temporary file, deleted on dispose. <see cref="OpenAsync"/> opens more stores on the same file (another node, or a restart).</summary>
public sealed class TempStore : IAsyncDisposable
{
    private readonly List<SqliteEventStore> _opened = [];
    private readonly string _directory;

    private TempStore(string directory)
    {
        _directory = directory;
        FilePath = Path.Combine(directory, "events.db");
    }

    public string FilePath { get; }

    public static async Task<(TempStore Temp, IEventStore Store)> CreateAsync()
    {
        var temp = new TempStore(Path.Combine(Path.GetTempPath(), "robotracer-grains-tests", Guid.NewGuid().ToString("N")));
        return (temp, await temp.OpenAsync());
    }

    public async Task<IEventStore> OpenAsync()
    {
        var store = await SqliteEventStore.OpenAsync(FilePath);
        _opened.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless.
        }
    }
}
