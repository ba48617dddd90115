using RoboTracer.Fleet.Contracts.V1;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>
/// The prompt wording models were trained or evaluated with. RoboTracer answers "[(x, y), ...]" in 0–1000
/// normalized coordinates when asked in its own phrasing; general VLMs (Gemini, Qwen) get the phrasing
/// TraceSpatial-Bench's evaluation uses for them. Matching the wording matters: it is part of the model's
/// interface, as much as the JSON around it.
/// </summary>
public static class TracePrompts
{
    /// <summary>RoboTracer's own prompt for a 2D or 3D object-centric visual trace.</summary>
    public static string RoboTracer(string instruction, bool threeD) => threeD
        ? $"Point the 3D object-centric visual trace for the task \"{instruction}\". Your answer should be formatted as a list of tuples, i.e., [(x1, y1, d1), (x2, y2, d2), ...], where each tuple contains the x and y coordinates of the point, and d is the depth of the point."
        : $"Point the 2D object-centric visual trace for the task \"{instruction}\". Your answer should be formatted as a list of tuples, i.e., [(x1, y1), (x2, y2), ...], where each tuple contains the x and y coordinates of the point.";

    /// <summary>The general-VLM prompt (Gemini, Qwen, GPT) for a 2D or 3D trace of the object to move.</summary>
    public static string GeneralVlm(string instruction, bool threeD)
    {
        var prefix = $"You are currently a robot performing robotic manipulation tasks. The task instruction is: {instruction}.";
        var suffix = threeD
            ? "Please predict up to 10 key 3D trajectory points starting from the object to move to complete the task. Your answer should be formatted as a list of tuples, i.e., [(x1, y1, d1), (x2, y2, d2), ...], where each tuple contains the x and y coordinates of the point, and d is the depth of the point, which unit is meter. Output the point coordinates in JSON format."
            : "Please predict up to 10 key 2D trajectory points starting from the object to move to complete the task. Your answer should be formatted as a list of tuples, i.e. [[x1, y1], [x2, y2], ...], where each tuple contains the x, y coordinates. Output the point coordinates in JSON format.";
        return $"{prefix} {suffix}";
    }

    /// <summary>Whether the request asks for metric 3D points (and can have them).</summary>
    public static bool WantsThreeD(TraceRequest request, bool canLift) => request.Output switch
    {
        TraceOutput._3D => true,
        TraceOutput._2D => false,
        _ => canLift,
    };
}
