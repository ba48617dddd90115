namespace RoboTracer.Fleet.Evaluation;

/// <summary>A bench folder that cannot be read: missing files, wrong sizes, bad JSON. The message names the sample.</summary>
public sealed class BenchFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BenchFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public BenchFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public BenchFormatException()
    {
    }
}
