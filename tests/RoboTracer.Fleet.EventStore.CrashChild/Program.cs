using System.Globalization;
using System.Text;
using RoboTracer.Fleet.EventStore;
using RoboTracer.Fleet.EventStore.Postgres;

// Usage: CrashChild <connection string> <schema> <ack file>
// Appends 3-event batches from many concurrent writers until killed. Each acknowledged append is written to the
// ack file as "appendId firstPosition lastPosition" and flushed before the next line; after every 100th
// acknowledgement "acked N" goes to stdout, so the parent knows the file holds at least N complete lines.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: CrashChild <connection string> <schema> <ack file>");
    return 2;
}
var (connectionString, schema, ackPath) = (args[0], args[1], args[2]);
await using var store = await PostgresEventStore.OpenAsync(connectionString, schema: schema);
await using var acks = new FileStream(ackPath, FileMode.Create, FileAccess.Write, FileShare.Read);
var ackLock = new Lock();
var acked = 0;
// A safety net: the parent kills us long before this.
using var lifetime = new CancellationTokenSource(TimeSpan.FromMinutes(5));

const int Writers = 8;
const int InFlightPerWriter = 16;
const int EventsPerAppend = 3;
var loops = new List<Task>();
for (var w = 0; w < Writers; w++)
{
    for (var s = 0; s < InFlightPerWriter; s++)
    {
        var stream = $"crash-{w}-{s}";
        loops.Add(Task.Run(async () =>
        {
            for (var n = 0; !lifetime.IsCancellationRequested; n++)
            {
                var appendId = $"{stream}-{n}";
                var events = new EventData[EventsPerAppend];
                for (var i = 0; i < EventsPerAppend; i++)
                {
                    var json = $$"""{"append":"{{appendId}}","index":{{i}},"count":{{EventsPerAppend}},"pad":"{{new string('x', 200)}}"}""";
                    events[i] = new EventData("CrashProbe", Encoding.UTF8.GetBytes(json), $"{appendId}-{i}");
                }
                var result = await store.AppendAsync(stream, ExpectedVersion.Any, events);
                var line = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{appendId} {result.FirstPosition} {result.LastPosition}\n"));
                int count;
                lock (ackLock)
                {
                    acks.Write(line);
                    // To the OS, not the disk: SIGKILL ends the process, not the machine.
                    acks.Flush();
                    count = ++acked;
                }
                if (count % 100 == 0)
                {
                    Console.Out.WriteLine($"acked {count}");
                    Console.Out.Flush();
                }
            }
        }));
    }
}
await Task.WhenAll(loops);
return 0;
