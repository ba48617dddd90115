namespace RoboTracer.Fleet.Bench.Harness;

/// <summary>The options a benchmark takes after its name.</summary>
internal static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is absent.</summary>
    /// <exception cref="UsageException">The option is last, with no value: <paramref name="usage"/> says what to write.</exception>
    public static string? OptionValue(string[] args, string name, string usage)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return null;
        }
        return index + 1 < args.Length ? args[index + 1] : throw new UsageException($"{name} needs a value; usage: {usage}");
    }
}
