namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// A stored image or depth buffer, by the SHA-256 of its content: the event store's blob address (DESIGN.md §5).
/// Events hold these, never the bytes.
/// </summary>
public readonly record struct BlobReference
{
    /// <summary>Creates a reference from 64 hex digits (either case; kept lowercase).</summary>
    /// <exception cref="ArgumentException">The text is not 64 hex digits.</exception>
    public BlobReference(string sha256)
    {
        if (sha256 is null || sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"'{sha256}' is not a SHA-256 hash: expected 64 hex digits.", nameof(sha256));
        }
        Sha256 = sha256.ToLowerInvariant();
    }

    /// <summary>The hash as 64 lowercase hex digits.</summary>
    public string Sha256 { get; }

    /// <summary>The hash.</summary>
    public override string ToString() => Sha256 ?? string.Empty;
}
