using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoboTracer.Fleet.EventStore.Postgres;

/// <summary>
/// A local PostgreSQL cluster made with the system's own binaries: <c>initdb</c> into a directory (a temp one,
/// deleted on dispose, for tests and benchmarks; or a kept data folder, for the embedded fleet), <c>pg_ctl
/// start</c> on a free loopback port with fsync on, stopped on dispose. PostgreSQL refuses to run as root, so as
/// root the directory goes to the <c>postgres</c> user and the binaries run under <c>runuser -u postgres</c>.
/// Missing binaries fail with what to install.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private static readonly bool IsRoot = Environment.UserName == "root";

    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _deleteOnDispose;

    private LocalPostgresCluster(string bin, string directory, int port, bool deleteOnDispose)
    {
        _bin = bin;
        _directory = directory;
        _deleteOnDispose = deleteOnDispose;
        Port = port;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>An Npgsql connection string for the <c>postgres</c> superuser (trust authentication, loopback only).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=10;Include Error Detail=true";

    private string DataDirectory => Path.Combine(_directory, "data");

    private string LogFile => Path.Combine(_directory, "postgres.log");

    /// <summary>True when the system has PostgreSQL's server binaries (initdb, pg_ctl).</summary>
    public static bool BinariesAvailable => TryFindBinaries() is not null;

    /// <summary>
    /// Starts a cluster in <paramref name="directory"/>, creating it with initdb when it holds none yet; with no
    /// directory, in a fresh temp directory that is deleted on dispose.
    /// </summary>
    public static async Task<LocalPostgresCluster> StartAsync(string? directory = null)
    {
        var bin = FindBinaries();
        var temporary = directory is null;
        directory = Path.GetFullPath(directory ?? Path.Combine(Path.GetTempPath(), "fleet-pg-" + Guid.NewGuid().ToString("N")[..12]));
        Directory.CreateDirectory(directory);
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }
        var server = new LocalPostgresCluster(bin, directory, 0, temporary);
        try
        {
            if (!File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
            {
                await server.RunPostgresToolAsync("initdb", ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
            }
            else if (File.Exists(Path.Combine(server.DataDirectory, "postmaster.pid")))
            {
                // A previous run was killed: the server may still be running, or its pid file is stale.
                try
                {
                    await server.RunPostgresToolAsync("pg_ctl", ["-D", server.DataDirectory, "-m", "fast", "-w", "stop"]);
                }
                catch (InvalidOperationException)
                {
                    // Not running: pg_ctl start handles a stale pid file itself.
                }
            }
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the (stopped) server on a free port: a new port each time, since the old one may be taken meanwhile, unless <paramref name="samePort"/>.</summary>
    public async Task StartAgainAsync(bool samePort = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = samePort && Port != 0 ? Port : FreePort();
            try
            {
                await RunPostgresToolAsync("pg_ctl", [
                    "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
                    "-o", $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_directory} -c fsync=on -c synchronous_commit=on -c max_connections=200",
                    "start",
                ]);
                Port = port;
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && !samePort)
            {
                // Most likely the port was taken between probing and binding; take another.
            }
        }
    }

    /// <summary>Stops the server the way an operator restarting it would (fast: sessions are terminated).</summary>
    public Task StopAsync() => RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);

    /// <summary>Stops the server; a temporary cluster is also deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                // A kept cluster is shut down cleanly; a temporary one is about to be deleted anyway.
                await RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", _deleteOnDispose ? "immediate" : "fast", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }
        if (!_deleteOnDispose)
        {
            return;
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is not worth failing a test run for.
        }
    }

    private static string FindBinaries() => TryFindBinaries() ?? throw new InvalidOperationException(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or on PATH" +
        (Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: PostgreSQL is required here)" : "") +
        ". Install Debian's postgresql package (./test.sh does), or point the fleet at a server with ConnectionStrings__fleetdb.");

    private static string? TryFindBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderByDescending(VersionOf).ToList()
            : [];
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    private static int VersionOf(string binDirectory) =>
        int.TryParse(Path.GetFileName(Path.GetDirectoryName(binDirectory)), out var version) ? version : 0;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], LogFile) : RunAsync(path, arguments, LogFile);
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string? logFile = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = logFile is not null && File.Exists(logFile) ? string.Join('\n', File.ReadLines(logFile).TakeLast(20)) : "";
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}\n{log}");
        }
    }
}
