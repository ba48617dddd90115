namespace RoboTracer.Fleet.EventStore;

/// <summary>The base of the failures the event store reports (bad arguments are <see cref="ArgumentException"/>s).</summary>
public class EventStoreException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public EventStoreException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public EventStoreException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
