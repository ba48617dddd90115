using System.Text.RegularExpressions;

namespace RoboTracer.Fleet.Deploy.Tests;

/// <summary>deploy/docker: pinned bases, a build stage apart from the runtime, a non-root user. (No Docker daemon here: they are read, not built.)</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] Files = ["orchestrator.Dockerfile", "worker.Dockerfile", "simulator.Dockerfile", "cli.Dockerfile"];

    public static TheoryData<string> Dockerfiles => [.. Files];

    [Fact]
    public void Every_dockerfile_is_checked()
    {
        var files = Directory.GetFiles(Tools.Deploy("docker"), "*.Dockerfile").Select(Path.GetFileName).Order();

        Assert.Equal(Files.Order(), files);
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Bases_have_explicit_tags_and_the_image_runs_as_a_numeric_non_root_user(string dockerfile)
    {
        var lines = File.ReadAllLines(Tools.Deploy("docker", dockerfile));
        var stages = lines.Select(l => From().Match(l)).Where(m => m.Success).ToList();
        var stageNames = stages.Select(m => m.Groups["stage"].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Contains(stages, s => s.Groups["image"].Value.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        foreach (var image in stages.Select(s => s.Groups["image"].Value).Where(i => !i.Contains('$', StringComparison.Ordinal) && !stageNames.Contains(i)))
        {
            Assert.Matches(@":(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]*$", image);
        }
        var user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
        Assert.True(int.TryParse(user, System.Globalization.CultureInfo.InvariantCulture, out var uid) && uid > 0, $"{dockerfile}: USER {user} must be a numeric non-root uid");
        Assert.True(Array.FindLastIndex(lines, l => l.StartsWith("USER ", StringComparison.Ordinal)) > Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal)), $"{dockerfile}: USER belongs to the final stage");
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_and_git()
    {
        var ignored = File.ReadAllLines(Path.Combine(Tools.RepositoryRoot, ".dockerignore"));

        Assert.Contains(".git", ignored);
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [GeneratedRegex(@"^FROM\s+(?<image>\S+)(\s+AS\s+(?<stage>\S+))?", RegexOptions.IgnoreCase)]
    private static partial Regex From();
}
