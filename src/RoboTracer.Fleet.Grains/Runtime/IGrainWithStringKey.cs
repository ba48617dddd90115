namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>A grain interface whose grains are identified by a string key (Orleans' <c>IGrainWithStringKey</c>).</summary>
public interface IGrainWithStringKey : IGrain
{
}
