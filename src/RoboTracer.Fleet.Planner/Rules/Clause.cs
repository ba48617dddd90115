namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>One clause of an instruction: the words of one action, sequence words removed.</summary>
/// <param name="Words">The clause's tokens.</param>
/// <param name="AfterSequenceWord">True when "then", "finally"… introduced it: a clause without a verb there
/// repeats the previous verb ("put the cup in the sink, then the plate").</param>
internal sealed record Clause(IReadOnlyList<string> Words, bool AfterSequenceWord)
{
    /// <summary>The words as text.</summary>
    public string Text => ClauseSplitter.Join(Words);
}
