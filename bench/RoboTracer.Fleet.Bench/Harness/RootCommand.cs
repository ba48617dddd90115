namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>Runs a benchmark with the arguments that follow its name; the process exits with what it returns.</summary>
internal delegate Task<int> BenchmarkAction(string[] args, CancellationToken cancellationToken);

/// <summary>
/// Dispatch by name, <c>NAME [options]</c>, in the shape of System.CommandLine's root command without the
/// package: exit 0 on success, 1 when a benchmark fails, 2 for a usage error or a benchmark not written yet.
/// </summary>
internal sealed class RootCommand
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    private readonly Dictionary<string, BenchmarkAction?> _commands = new(StringComparer.Ordinal);
    private readonly List<string> _visible = [];

    public RootCommand Add(string name, BenchmarkAction action)
    {
        _commands.Add(name, action);
        _visible.Add(name);
        return this;
    }

    /// <summary>A name the contract reserves; running it says so instead of pretending to measure.</summary>
    public RootCommand AddPending(string name)
    {
        _commands.Add(name, null);
        _visible.Add(name);
        return this;
    }

    public RootCommand AddHidden(string name, BenchmarkAction action)
    {
        _commands.Add(name, action);
        return this;
    }

    public async Task<int> InvokeAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine($"usage: RoboTracer.Fleet.Bench NAME [--quick]   (NAME: {string.Join(", ", _visible)})");
            return args.Length == 0 ? UsageError : Success;
        }
        if (!_commands.TryGetValue(args[0], out var action))
        {
            Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", _visible)}");
            return UsageError;
        }
        if (action is null)
        {
            Console.Error.WriteLine($"benchmark '{args[0]}' is not implemented yet");
            return UsageError;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl+C stops the run cleanly (child servers are shut down); a second one kills the process.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await action(args[1..], cancellation.Token);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return UsageError;
        }
        catch (BenchmarkFailedException ex)
        {
            Console.Error.WriteLine($"{args[0]}: benchmark failed: {ex.Message}");
            return Failure;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{args[0]}: cancelled");
            return Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
