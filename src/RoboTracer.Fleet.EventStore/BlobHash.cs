using System.Security.Cryptography;

namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// A blob's address: the SHA-256 of its content. Events reference images and depth buffers by this hash
/// (DESIGN.md §5); its text form is 64 lowercase hex digits.
/// </summary>
public readonly struct BlobHash : IEquatable<BlobHash>
{
    /// <summary>The hash's length in bytes.</summary>
    public const int Length = SHA256.HashSizeInBytes;

    private readonly byte[]? _bytes;

    private BlobHash(byte[] bytes) => _bytes = bytes;

    /// <summary>The 32 hash bytes (empty for <c>default</c>).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The hash of <paramref name="content"/>.</summary>
    public static BlobHash Compute(ReadOnlySpan<byte> content) => new(SHA256.HashData(content));

    /// <summary>A hash from its 32 bytes.</summary>
    public static BlobHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A SHA-256 hash is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }
        return new BlobHash(bytes.ToArray());
    }

    /// <summary>Parses 64 hex digits.</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    public static BlobHash Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var hash) ? hash : throw new FormatException($"'{text}' is not a SHA-256 hash: expected {Length * 2} hex digits.");
    }

    /// <summary>Parses 64 hex digits, or returns false.</summary>
    public static bool TryParse(string? text, out BlobHash hash)
    {
        hash = default;
        if (text is null || text.Length != Length * 2)
        {
            return false;
        }
        var bytes = new byte[Length];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }
        hash = new BlobHash(bytes);
        return true;
    }

    /// <summary>Whether <paramref name="content"/> hashes to this hash.</summary>
    public bool Matches(ReadOnlySpan<byte> content)
    {
        Span<byte> actual = stackalloc byte[Length];
        SHA256.HashData(content, actual);
        return actual.SequenceEqual(Bytes);
    }

    /// <inheritdoc />
    public bool Equals(BlobHash other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlobHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _bytes is null ? 0 : BitConverter.ToInt32(_bytes, 0);

    /// <summary>64 lowercase hex digits.</summary>
    public override string ToString() => Convert.ToHexStringLower(Bytes);

    /// <summary>Equality.</summary>
    public static bool operator ==(BlobHash left, BlobHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(BlobHash left, BlobHash right) => !left.Equals(right);
}
