namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Marks a grain interface: every method returns <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</summary>
public interface IGrain
{
}
