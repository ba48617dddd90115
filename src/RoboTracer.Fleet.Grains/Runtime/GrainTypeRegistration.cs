namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>A grain interface and the class that implements it.</summary>
internal sealed record GrainTypeRegistration(Type Interface, Type Class, string TypeName, Func<Grain> Factory, bool IsReentrant);
