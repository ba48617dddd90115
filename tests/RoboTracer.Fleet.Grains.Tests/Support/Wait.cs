namespace RoboTracer.Fleet.Grains.Tests.Support;

/// <summary>Generous bounds for awaiting things that happen asynchronously; never a sleep.</summary>
public static class Wait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Task<T> For<T>(Task<T> task) => task.WaitAsync(Timeout);

    public static Task For(Task task) => task.WaitAsync(Timeout);
}
