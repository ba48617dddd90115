namespace RoboTracer.Fleet.Cli.Commands;

/// <summary>
/// One recorded trace re-run by <c>replay --with-backend</c>: the distances are in metres (camera frame), null
/// when the trace could not be compared, and then <see cref="Error"/> says why.
/// </summary>
internal sealed record WhatIfStep(
    int Step,
    string Trace,
    string? RecordedBackend,
    string Backend,
    double? FrechetM,
    double? EndpointM,
    int RecordedPoints,
    int Points,
    string? Error);
