namespace RoboTracer.Fleet.Grpc;

/// <summary>Reads the messages of a stream one at a time, in order.</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Reads the next message; false at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}

/// <summary>Writes the messages of a stream. Writes must not overlap: await one before the next.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Writes one message and waits until the transport has taken it.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The response stream a server handler writes to.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>;

/// <summary>The request stream a client writes to; <see cref="CompleteAsync"/> ends it (half-close).</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Ends the request stream: the server sees the end of its reader.</summary>
    Task CompleteAsync();
}

/// <summary>Async enumeration over an <see cref="IAsyncStreamReader{T}"/>.</summary>
public static class AsyncStreamReaderExtensions
{
    /// <summary>Enumerates every remaining message of the stream.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this IAsyncStreamReader<T> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
