namespace RoboTracer.Fleet.Vision;

/// <summary>
/// Bytes that are not an image the fleet can decode: not PNG or JPEG, truncated, corrupt, a bad CRC, too many pixels,
/// or the wrong kind (a depth image that is not a 16-bit grayscale PNG). The message says which, so it can go back
/// to the caller as is. A <see cref="FormatException"/>, which is what callers catch.
/// </summary>
public sealed class ImageFormatException : FormatException
{
    /// <summary>Creates an exception with a generic message.</summary>
    public ImageFormatException()
        : base("the bytes are not a decodable image")
    {
    }

    /// <summary>Creates an exception with a precise message.</summary>
    public ImageFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a precise message and the error that caused it.</summary>
    public ImageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
