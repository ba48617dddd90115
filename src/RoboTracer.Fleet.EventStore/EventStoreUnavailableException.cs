namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// The database could not be reached, or the connection broke, while an append was being written. When
/// <see cref="OutcomeUnknown"/> is false nothing was written; when true the connection broke while the commit
/// was in flight and the append may or may not have been recorded: retry it with the same idempotency keys to
/// find out safely.
/// </summary>
public sealed class EventStoreUnavailableException : EventStoreException
{
    /// <summary>Creates the exception.</summary>
    public EventStoreUnavailableException(string message, Exception? innerException, bool outcomeUnknown)
        : base(message, innerException)
    {
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>True when the append may have been committed although it was not acknowledged.</summary>
    public bool OutcomeUnknown { get; }
}
