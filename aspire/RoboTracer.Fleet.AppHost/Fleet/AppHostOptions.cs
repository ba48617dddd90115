using System.Globalization;

namespace RoboTracer.Fleet.AppHost.Fleet;

/// <summary>The AppHost's command line (DESIGN.md §4, main job).</summary>
internal sealed record AppHostOptions
{
    public const string Usage = """
        usage: dotnet run --project aspire/RoboTracer.Fleet.AppHost [-- OPTIONS]

          --port PORT          orchestrator HTTP port: dashboard, REST API (default 5080; 0 = any free port)
          --robots N           simulated robots sim-1 … sim-N (default 4)
          --silos N            orchestrator silos, one Orleans cluster (default 1; more need PostgreSQL); the
                               first serves --port, the robots connect to any of them
          --store KIND         sqlite | postgres (default: ConnectionStrings__fleetdb when set, else a local
                               PostgreSQL cluster when its binaries are installed, else SQLite)
          --data DIR           data folder: SQLite file, local PostgreSQL cluster (default .fleet)
          --backend NAME       the pool workers' default backend (default geometric; configure others with
                               Inference__Backends__NAME__* environment variables)
          --demo, --no-demo    submit a demo task once the robots are online (default: only when the data
                               folder is new)
          --duration SECONDS   stop by itself after this long (for scripts)
          -h, --help           this text

        The API token is FLEET_API_TOKEN when set, else generated and printed.
        """;

    public int Port { get; init; } = 5080;

    public int Robots { get; init; } = 4;

    /// <summary>Orchestrator processes, the silos of one Orleans cluster (more than one needs PostgreSQL).</summary>
    public int Silos { get; init; } = 1;

    public StoreKind? Store { get; init; }

    public string DataDirectory { get; init; } = ".fleet";

    public string? Backend { get; init; }

    /// <summary>True or false when asked for; null: only when the data folder is new.</summary>
    public bool? Demo { get; init; }

    public TimeSpan? Duration { get; init; }

    public static AppHostParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new AppHostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = SplitInline(args[i]);
            if (name is "-h" or "--help")
            {
                return AppHostParseResult.Help;
            }
            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new AppHostUsageException($"{name} needs a value.");
                }
                return args[++i];
            }
            try
            {
                options = name switch
                {
                    "--port" => options with { Port = ParseInt(name, Value(), 0, 65535) },
                    "--robots" => options with { Robots = ParseInt(name, Value(), 1, 1000) },
                    "--silos" => options with { Silos = ParseInt(name, Value(), 1, 16) },
                    "--store" => options with { Store = ParseStore(Value()) },
                    "--data" => options with { DataDirectory = NonEmpty(name, Value()) },
                    "--backend" => options with { Backend = NonEmpty(name, Value()) },
                    "--demo" => options with { Demo = true },
                    "--no-demo" => options with { Demo = false },
                    "--duration" => options with { Duration = ParseDuration(Value()) },
                    _ => throw new AppHostUsageException($"unknown option '{args[i]}'."),
                };
            }
            catch (AppHostUsageException e)
            {
                return AppHostParseResult.Failed(e.Message);
            }
        }
        return AppHostParseResult.Parsed(options);
    }

    private static (string Name, string? Value) SplitInline(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new AppHostUsageException($"{name} must be a whole number from {min} to {max}, not '{value}'.");

    private static StoreKind ParseStore(string value) => value.ToLowerInvariant() switch
    {
        "sqlite" => StoreKind.Sqlite,
        "postgres" or "postgresql" => StoreKind.Postgres,
        _ => throw new AppHostUsageException($"--store must be sqlite or postgres, not '{value}'."),
    };

    private static TimeSpan ParseDuration(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(seconds)
            : throw new AppHostUsageException($"--duration must be a positive number of seconds, not '{value}'.");

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new AppHostUsageException($"{name} needs a non-empty value.") : value;
}
