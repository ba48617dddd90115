namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// The instructions RoboTracer's <c>test_benchmark.py</c> (<c>get_prompt</c>) sends per model family. The text is
/// the script's, word for word: the models were evaluated with it, so a change would change the benchmark.
/// </summary>
public static class EvalPrompts
{
    /// <summary>True for model names the script prompts as general VLMs (containing "Gemini" or "Qwen").</summary>
    public static bool IsGeneralVlm(string model) =>
        model.Contains("Gemini", StringComparison.Ordinal) || model.Contains("Qwen", StringComparison.Ordinal);

    /// <summary>True for RoboTracer models (the name contains "RoboTracer").</summary>
    public static bool IsRoboTracer(string model) => model.Contains("RoboTracer", StringComparison.Ordinal);

    /// <summary>
    /// The instruction for <paramref name="model"/> and <paramref name="task"/>: Gemini/Qwen get the general-VLM
    /// prompt built from the target object and destination; RoboTracer gets its own prompt around the sample's
    /// prompt. The general-VLM test comes first, as in the script.
    /// </summary>
    /// <exception cref="ArgumentException">The model family is not one the script knows.</exception>
    public static string For(string model, EvalTask task, BenchSample sample)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        if (IsGeneralVlm(model))
        {
            var o = sample.TargetObject;
            var prefix = $"You are currently a robot performing robotic manipulation tasks. You have already pick up {o}. The task instruction is: move {o} to {sample.Destination}.";
            var suffix = task == EvalTask.TwoD
                ? $"Please predict up to 10 key 2D trajectory points starting from {o} to complete the task. Your answer should be formatted as a list of tuples, i.e. [[x1, y1], [x2, y2], ...], where each tuple contains the x, y coordinates. Output the point coordinates in JSON format."
                : $"Please predict up to 10 key 3D trajectory points starting from {o} to complete the task. Your answer should be formatted as a list of tuples, i.e., [(x1, y1, d1), (x2, y2, d2), ...], where each tuple contains the x and y coordinates of the point, and d is the depth of the point, which unit is meter. Output the point coordinates in JSON format.";
            return $"{prefix} {suffix}";
        }
        if (IsRoboTracer(model))
        {
            return task == EvalTask.TwoD
                ? $"Point the 2D object-centric visual trace for the task \"{sample.Prompt}\". Your answer should be formatted as a list of tuples, i.e., [(x1, y1), (x2, y2), ...], where each tuple contains the x and y coordinates of the point."
                : $"Point the 3D object-centric visual trace for the task \"{sample.Prompt}\". Your answer should be formatted as a list of tuples, i.e., [(x1, y1, d1), (x2, y2, d2), ...], where each tuple contains the x and y coordinates of the point, and d is the depth of the point.";
        }
        throw new ArgumentException($"unsupported model '{model}': RoboTracer's evaluation prompts model names containing RoboTracer, Gemini or Qwen");
    }
}
