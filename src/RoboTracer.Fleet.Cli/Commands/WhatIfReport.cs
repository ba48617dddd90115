namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>The last line of <c>replay --with-backend</c>: the task, the backend asked, one entry per recorded trace.</summary>
internal sealed record WhatIfReport(string Task, string Backend, IReadOnlyList<WhatIfStep> Steps);
