namespace RoboTracer.Fleet.Vision.Png;

/// <summary>
/// Bytes that are not a PNG this codec can decode: wrong signature, truncated, bad CRC, corrupt image data, or an
/// unsupported feature (interlacing). The message says which, and where, so it can go back to the caller as is.
/// </summary>
public sealed class PngFormatException : FormatException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public PngFormatException()
        : base("the bytes are not a decodable PNG")
    {
    }

    /// <summary>Creates an exception with a precise message.</summary>
    public PngFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a precise message and the error that caused it.</summary>
    public PngFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
