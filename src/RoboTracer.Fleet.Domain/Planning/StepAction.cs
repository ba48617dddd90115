namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>The verb of a plan step. Each maps to one traced motion of one object.</summary>
public enum StepAction
{
    /// <summary>Pick an object up and put it somewhere: the usual RoboTracer step.</summary>
    PickAndPlace,
    /// <summary>Push an object along the surface.</summary>
    Push,
    /// <summary>Wipe a surface with a held tool.</summary>
    Wipe,
    /// <summary>Open a door, drawer or lid.</summary>
    Open,
    /// <summary>Close a door, drawer or lid.</summary>
    Close,
    /// <summary>Pour from a held container into another.</summary>
    Pour,
}
